/*
 * Stand-in for abuild-tar --hash (the real one is part of abuild): a filter from a POSIX tar
 * stream (GNU tar --format=posix) to the same stream in which every regular file carries its
 * SHA-1 in a PAX header (APK-TOOLS.checksum.SHA1), as apk expects. The stand-in abuild pipes its
 * one `tar -c` through it when make-image.sh could compile it, instead of appending file by file.
 * Usage: abuild-tar --hash <in.tar >out.tar
 */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

static void die(const char *message) {
	fprintf(stderr, "abuild-tar: %s\n", message);
	exit(1);
}

static void read_exact(void *buffer, size_t size) {
	if (size && fread(buffer, 1, size, stdin) != size) die("short read");
}

static void write_exact(const void *buffer, size_t size) {
	if (size && fwrite(buffer, 1, size, stdout) != size) die("short write");
}

static size_t octal(const char *field, size_t length) {
	size_t value = 0;
	for (size_t i = 0; i < length && field[i]; i++) {
		if (field[i] == ' ') continue;
		if (field[i] < '0' || field[i] > '7') break;
		value = value * 8 + (size_t)(field[i] - '0');
	}
	return value;
}

static void set_size_and_checksum(unsigned char *header, size_t size) {
	snprintf((char *)header + 124, 12, "%011zo", size);
	memset(header + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < BLOCK; i++) sum += header[i];
	snprintf((char *)header + 148, 8, "%06o", sum);
	header[155] = ' ';
}

static size_t padded(size_t size) { return (size + BLOCK - 1) / BLOCK * BLOCK; }

int main(int argc, char **argv) {
	if (argc != 2 || strcmp(argv[1], "--hash") != 0) die("usage: abuild-tar --hash");
	unsigned char header[BLOCK], pax_header[BLOCK];
	char *pax = NULL; /* the pending extended header's records, for the next entry */
	size_t pax_size = 0;
	int have_pax = 0;
	for (;;) {
		read_exact(header, BLOCK);
		int zero = 1;
		for (int i = 0; i < BLOCK; i++) zero &= header[i] == 0;
		if (zero) break;
		size_t size = octal((char *)header + 124, 12);
		char type = (char)header[156];
		unsigned char *data = malloc(padded(size) ? padded(size) : 1);
		if (!data) die("out of memory");
		read_exact(data, padded(size));
		if (type == 'x') {
			memcpy(pax_header, header, BLOCK);
			pax = realloc(pax, size + 80);
			if (!pax) die("out of memory");
			memcpy(pax, data, size);
			pax_size = size;
			have_pax = 1;
			free(data);
			continue;
		}
		if (type == '0' || type == '\0') {
			unsigned char digest[SHA_DIGEST_LENGTH];
			SHA1(data, size, digest);
			char record[80], hex[2 * SHA_DIGEST_LENGTH + 1];
			for (int i = 0; i < SHA_DIGEST_LENGTH; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
			/* "68 APK-TOOLS.checksum.SHA1=<40 hex>\n": 2 + 1 + 23 + 1 + 40 + 1 = 68 bytes. */
			int length = snprintf(record, sizeof record, "68 APK-TOOLS.checksum.SHA1=%s\n", hex);
			if (!have_pax) {
				memcpy(pax_header, header, BLOCK);
				pax_header[156] = 'x';
				memset(pax_header + 345, 0, 155); /* the name stays short: no prefix */
				pax = realloc(pax, 80);
				if (!pax) die("out of memory");
				pax_size = 0;
				have_pax = 1;
			}
			memcpy(pax + pax_size, record, (size_t)length);
			pax_size += (size_t)length;
		}
		if (have_pax) {
			set_size_and_checksum(pax_header, pax_size);
			write_exact(pax_header, BLOCK);
			static const unsigned char zeros[BLOCK];
			write_exact(pax, pax_size);
			write_exact(zeros, padded(pax_size) - pax_size);
			have_pax = 0;
		}
		write_exact(header, BLOCK);
		write_exact(data, padded(size));
		free(data);
	}
	static const unsigned char end[2 * BLOCK];
	write_exact(end, sizeof end);
	free(pax);
	return fflush(stdout) == 0 ? 0 : 1;
}
