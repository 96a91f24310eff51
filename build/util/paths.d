build/util/paths.o: util/paths.c util/paths.h
util/paths.h:
