build/pveconf/node.o: pveconf/node.c pveconf/node.h util/err.h \
 util/paths.h util/fileio.h
pveconf/node.h:
util/err.h:
util/paths.h:
util/fileio.h:
