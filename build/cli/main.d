build/cli/main.o: cli/main.c cli/cli.h util/err.h util/paths.h \
 pveconf/node.h util/fileio.h
cli/cli.h:
util/err.h:
util/paths.h:
pveconf/node.h:
util/fileio.h:
