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
  # store: SpatiaLite database, schema and migrations
  src/store/store.c
  src/store/schema.c
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
  # cli: argument parsing and subcommands
  src/cli/cli.c
  src/cli/cmd_init.c
  src/cli/cmd_info.c
)
list(TRANSFORM DN_LIB_SOURCES PREPEND "${PROJECT_SOURCE_DIR}/")
