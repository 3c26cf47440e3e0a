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
  # geodata: loading the shipped GeoPackage into the store
  src/geodata/load.c
  src/geodata/load_areas.c
  src/geodata/load_places.c
  # gazetteer: place names and lookups
  src/gazetteer/normalize.c
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
  src/cli/cli.c
  src/cli/cmd_init.c
  src/cli/cmd_info.c
  src/cli/cmd_check.c
)
list(TRANSFORM DN_LIB_SOURCES PREPEND "${PROJECT_SOURCE_DIR}/")
