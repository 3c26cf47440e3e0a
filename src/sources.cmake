# Explicit source list of the durand library: one file a line, grouped by module.
set(DN_LIB_SOURCES
  # core: context, status codes, allocation, logging, output formatting
  src/core/ctx.c
  src/core/status.c
  src/core/alloc.c
  src/core/strbuf.c
  src/core/emit.c
  src/core/event.c
  src/core/hash.c
  src/core/file_scope.c
  src/core/geo.c
  src/core/number.c
  # store: SpatiaLite database, schema and migrations
  src/store/store.c
  src/store/schema.c
  src/store/events.c
  src/store/rtree_pack.c
  src/store/reader_thread.c
  src/store/rtree_plan_thread.c
  src/store/checkpointer.c
  src/store/uid_map.c
  # geodata: loading the shipped GeoPackage into the store
  src/geodata/load.c
  src/geodata/load_areas.c
  src/geodata/load_places.c
  src/geodata/load_admin_places.c
  src/geodata/load_aliases.c
  # gazetteer: place names and lookups
  src/gazetteer/normalize.c
  src/gazetteer/variants.c
  src/gazetteer/arena.c
  src/gazetteer/index.c
  src/gazetteer/image.c
  src/gazetteer/preload.c
  src/gazetteer/fuzzy.c
  src/gazetteer/hints.c
  src/gazetteer/resolve.c
  src/gazetteer/memo.c
  src/gazetteer/mentions.c
  src/gazetteer/learn.c
  src/gazetteer/geocode_event.c
  src/gazetteer/browse.c
  # text: news-article extraction (cleaning, sentences, dates, casualties, types, actors, places)
  src/text/article.c
  src/text/clean.c
  src/text/sentence.c
  src/text/token.c
  src/text/date.c
  src/text/casualty.c
  src/text/lexicon.c
  src/text/place.c
  src/text/extract.c
  src/text/convert.c
  # query: filters as SQL through the spatial index, query and summary output
  src/query/filter.c
  src/query/filter_sql.c
  src/query/resolve.c
  src/query/print_events.c
  src/query/summary.c
  src/query/groups.c
  # export: map layers through OGR, with QGIS styles
  src/export/formats.c
  src/export/layers.c
  src/export/writer.c
  src/export/incidents.c
  src/export/admin_summary.c
  src/export/store_layers.c
  src/export/bands.c
  src/export/styles.c
  src/export/style_out.c
  src/export/stage.c
  src/export/export.c
  # ingest: event-table readers (ACLED, UCDP, CSV, OGR) and value parsers
  src/ingest/parse_date.c
  src/ingest/parse_number.c
  src/ingest/encoding.c
  src/ingest/csv_reader.c
  src/ingest/formats.c
  src/ingest/columns.c
  src/ingest/row_event.c
  src/ingest/table_reader.c
  src/ingest/ogr_reader.c
  src/ingest/reader.c
  # border: the Durand Line check and admin assignment
  src/border/polyset.c
  src/border/label_grid.c
  src/border/line.c
  src/border/frame.c
  src/border/index.c
  src/border/bands.c
  src/border/check.c
  src/border/admin.c
  # cli: argument parsing and subcommands
  src/ingest/coord_checks.c
  src/ingest/point_memo.c
  src/ingest/store_side.c
  src/ingest/writer_thread.c
  src/ingest/pipeline.c
  src/ingest/rejects_file.c
  src/ingest/text_source.c
  src/cli/cli.c
  src/cli/cmd_ingest.c
  src/cli/cmd_init.c
  src/cli/cmd_info.c
  src/cli/cmd_geocode.c
  src/cli/cmd_places.c
  src/cli/cmd_query.c
  src/cli/cmd_summary.c
  src/cli/cmd_export.c
  src/cli/cmd_check.c
)
list(TRANSFORM DN_LIB_SOURCES PREPEND "${PROJECT_SOURCE_DIR}/")
