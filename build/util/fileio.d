build/util/fileio.o: util/fileio.c util/fileio.h util/err.h
util/fileio.h:
util/err.h:
