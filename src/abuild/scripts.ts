import { SCRIPT_DIR } from '../container/index.js'
import { fileText, sh, word } from '../shell/index.js'

/*
 * Shell that runs inside the containers. The scripts are fixed text: every value they need comes
 * in through environment variables that the host checks first (see runAbuild in index.ts),
 * so nothing from instellar.yml is pasted into them except package names, which are checked words.
 */

/** Where the host's directories appear inside the build container. */
export const CONTAINER_PATHS = {
  workspace: word('/pakman/workspace'),
  packages: word('/pakman/packages'),
  keys: word('/pakman/keys'),
  /** The recipe directory mounted again on its own, so building never has to traverse the workspace. */
  recipes: word('/pakman/recipes'),
  scripts: word(SCRIPT_DIR),
}

/** Marks the start of a phase in the log, so a failure can name the phase it happened in. */
export const PHASE_MARKER = word('pakman-phase:')

/** The build user's home inside the container: its own, whatever the image says the user's is. */
export const BUILD_HOME = word('/pakman/home')

/** Where the build cache's in-tree paths (build-cache-paths) are mounted. */
export const CACHED_SOURCE = word('/pakman/cache/source')

/**
 * The build: as root, find or add the build user (the ids PAKMAN_UID/PAKMAN_GID, under whatever
 * names the image already gives them), trust the public key, point abuild at the key and the
 * output directory, and pack the workspace; then, as that user, the rest of the recipe's
 * snapshot() and `abuild -r`. abuild never runs as root, so no nested abuild call needs an
 * option. Last, root hands the recipe and the packages to PAKMAN_OWNER.
 */
export function buildScript(): string {
  return fileText(sh`
#!/bin/sh
# PAKman build: runs as root, builds as an unprivileged user.
# In: PAKMAN_UID PAKMAN_GID (the build user) PAKMAN_OWNER (uid:gid that gets the files)
#     PAKMAN_RECIPE PAKMAN_SNAPSHOT PAKMAN_KEY_NAME SOURCE_DATE_EPOCH
#     with the build cache: PAKMAN_HOME_CACHES (its mounts under the home) PAKMAN_HOME_PARENTS
#     (the directories above them) PAKMAN_CACHE_PATHS (build-cache-paths), each space-separated;
#     PAKMAN_CACHE_SAVE (non-empty when the build cache is to be saved)
set -eu

phase() {
	echo "${PHASE_MARKER}$1"
}

name_of() { # file id: the name of the first entry with that numeric id
	awk -F: -v id="$2" '$3 == id { print $1; exit }' "$1"
}

free_name() { # file base: base, or base2, base3 ... whichever name the file does not have yet
	candidate="$2"
	n=1
	while awk -F: -v name="$candidate" '$1 == name { found = 1 } END { exit !found }' "$1"; do
		n=$((n + 1))
		candidate="$2$n"
	done
	echo "$candidate"
}

phase setup
# Images may already have these ids or these names (custom images often have a builder user):
# ids that exist are used under their names, and new entries get names no one has.
group="$(name_of /etc/group "$PAKMAN_GID")"
if [ -z "$group" ]; then
	group="$(free_name /etc/group builder)"
	addgroup -g "$PAKMAN_GID" "$group"
fi
user="$(name_of /etc/passwd "$PAKMAN_UID")"
if [ -z "$user" ]; then
	user="$(free_name /etc/passwd builder)"
	adduser -D -H -h ${BUILD_HOME} -s /bin/sh -G "$group" -u "$PAKMAN_UID" "$user"
fi
# abuild-sudo (abuild deps) serves members of group abuild only; adding a member twice is a no-op.
grep -q '^abuild:' /etc/group || addgroup -S abuild
addgroup "$user" abuild
echo "building as $user ($PAKMAN_UID:$PAKMAN_GID)"

mkdir -p ${BUILD_HOME}/.abuild /etc/apk/keys
cat >${BUILD_HOME}/.abuild/abuild.conf <<CONF
PACKAGER_PRIVKEY="${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa"
REPODEST="${CONTAINER_PATHS.packages}"
CONF
if [ -n "\${PAKMAN_CACHE_PATHS:-}" ]; then
	# abuild removes the unpacked source after a build; PAKman keeps build-cache-paths from it
	# first, then removes it itself.
	cat >>${BUILD_HOME}/.abuild/abuild.conf <<'CONF'
CLEANUP="$(printf '%s\n' $CLEANUP | grep -vx srcdir | tr '\n' ' ')"
CONF
fi
cp "${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/

recipe="${CONTAINER_PATHS.recipes}/\${PAKMAN_RECIPE#.apk/}"
# The recipe directory and the output are PAKman's: the build user writes them. The home itself
# is not walked: the build cache is mounted into it.
chown "$PAKMAN_UID:$PAKMAN_GID" ${BUILD_HOME}
chown -R "$PAKMAN_UID:$PAKMAN_GID" ${BUILD_HOME}/.abuild "$recipe" "${CONTAINER_PATHS.packages}"
# The build cache: Docker made the directories above its mounts as root; what was restored may
# carry another machine's ids. One walk over all of it changes only what is not the build user's.
for dir in \${PAKMAN_HOME_PARENTS:-}; do
	chown "$PAKMAN_UID:$PAKMAN_GID" "${BUILD_HOME}/$dir"
done
set --
for dir in \${PAKMAN_HOME_CACHES:-}; do
	set -- "$@" "${BUILD_HOME}/$dir"
done
if [ "$#" -gt 0 ]; then
	find "$@" ${CACHED_SOURCE} ! -user "$PAKMAN_UID" -exec chown -h "$PAKMAN_UID:$PAKMAN_GID" {} +
fi

as_builder() { # command, run in the recipe directory
	# -p keeps the environment (HOME, SOURCE_DATE_EPOCH); -s: the user's own shell may be nologin.
	HOME=${BUILD_HOME} USER="$user" LOGNAME="$user" su -p -s /bin/sh "$user" -c "cd '$recipe' && $1"
}

status=0
phase snapshot
# The recipe's snapshot() in two hands: abuild must not run as root, and the build user may not
# be able to read the workspace (a root-owned checkout, a 0700 directory), so root packs it, as
# snapshot() would, and the build user does the rest. Root runs tar here; the app's own shell (the
# APKBUILD, with the config's source: block) is sourced by abuild, as the build user only.
# .pakman holds PAKman's output (the CLI's default packages directory): never part of the source.
# The build cache's in-tree paths are packed with it, where the workspace has none of its own.
set --
for path in \${PAKMAN_CACHE_PATHS:-}; do
	if [ ! -e "${CONTAINER_PATHS.workspace}/$path" ] && [ -e "${CACHED_SOURCE}/$path" ]; then
		set -- "$@" "$path"
	fi
done
if [ "$#" -eq 0 ]; then
	(cd "${CONTAINER_PATHS.workspace}" && tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" .) || status=$?
elif tar --version 2>/dev/null | grep -q GNU; then
	echo "restoring $* from the build cache"
	tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" \
		-C "${CONTAINER_PATHS.workspace}" . -C ${CACHED_SOURCE} "$@" || status=$?
else
	echo "build-cache-paths not restored: the environment's tar is not GNU tar (abuild brings it)"
	(cd "${CONTAINER_PATHS.workspace}" && tar --exclude=.apk --exclude=.pakman -cf "$recipe/$PAKMAN_SNAPSHOT" .) || status=$?
fi
if [ "$status" -eq 0 ]; then
	chown "$PAKMAN_UID:$PAKMAN_GID" "$recipe/$PAKMAN_SNAPSHOT"
	as_builder "abuild clean && abuild deps && abuild checksum" || status=$?
fi
if [ "$status" -eq 0 ]; then
	phase build
	as_builder "abuild -r" || status=$?
fi

if [ "$status" -eq 0 ] && [ -n "\${PAKMAN_CACHE_PATHS:-}" ]; then
	phase cache
	# What build.command left at build-cache-paths, moved into the build cache when it is to be
	# saved (not after an exact hit); then the unpacked source goes, as abuild would remove it.
	if [ -n "\${PAKMAN_CACHE_SAVE:-}" ]; then
		for path in $PAKMAN_CACHE_PATHS; do
			rm -rf "${CACHED_SOURCE}/$path"
			if [ -e "$recipe/src/$path" ]; then
				mkdir -p "$(dirname "${CACHED_SOURCE}/$path")"
				mv "$recipe/src/$path" "${CACHED_SOURCE}/$path"
			fi
		done
		find ${CACHED_SOURCE} -user 0 -exec chown "$PAKMAN_UID:$PAKMAN_GID" {} +
	fi
	rm -rf "$recipe/src"
fi

phase finish
chown -R "$PAKMAN_OWNER" "$recipe" "${CONTAINER_PATHS.packages}"
exit "$status"
`)
}
