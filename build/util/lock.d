build/util/lock.o: util/lock.c util/lock.h util/err.h util/fileio.h
util/lock.h:
util/err.h:
util/fileio.h:
