build/util/buf.o: util/buf.c util/buf.h
util/buf.h:
