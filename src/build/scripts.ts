import { SCRIPT_DIR } from '../container/script.js'
import { fileText, sh, word } from '../recipe/shell.js'

/*
 * Shell that runs inside the containers. The scripts are fixed text: every value they need comes
 * in through environment variables that the host checks first (see BuildEnvironment in run.ts),
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

/**
 * The build: as root, create a build user whose uid/gid match the workspace owner (uid 0 gets an
 * unprivileged user, since abuild refuses to run as root), trust the public key, point abuild at
 * the key and the output directory; then, as that user, `abuild snapshot` and `abuild -r`.
 */
export function buildScript(): string {
  return fileText(sh`
#!/bin/sh
# PAKman build: runs as root, builds as an unprivileged user.
# In: PAKMAN_UID PAKMAN_GID (the build user) PAKMAN_ROOT_WORKSPACE (1 or 0) PAKMAN_RECIPE
#     PAKMAN_KEY_NAME SOURCE_DATE_EPOCH
set -eu

phase() {
	echo "${PHASE_MARKER}$1"
}

name_of_id() { # file id: the name of the entry with that numeric id in /etc/passwd or /etc/group
	awk -F: -v id="$2" '$3 == id { print $1; exit }' "$1"
}

phase setup
build_uid="$PAKMAN_UID"
build_gid="$PAKMAN_GID"

grep -q '^abuild:' /etc/group || addgroup -S abuild
group="$(name_of_id /etc/group "$build_gid")"
if [ -z "$group" ]; then
	group=builder
	addgroup -g "$build_gid" "$group"
fi
user="$(name_of_id /etc/passwd "$build_uid")"
if [ -z "$user" ]; then
	user=builder
	adduser -D -u "$build_uid" -G "$group" -h /home/builder -s /bin/sh "$user"
fi
addgroup "$user" abuild
home="$(awk -F: -v name="$user" '$1 == name { print $6; exit }' /etc/passwd)"

mkdir -p "$home/.abuild" /etc/apk/keys
cat > "$home/.abuild/abuild.conf" <<CONF
PACKAGER_PRIVKEY="${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa"
REPODEST="${CONTAINER_PATHS.packages}"
CONF
chown -R "$build_uid:$build_gid" "$home"
cp "${CONTAINER_PATHS.keys}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/

workspace_recipe="${CONTAINER_PATHS.workspace}/$PAKMAN_RECIPE"
recipe="${CONTAINER_PATHS.recipes}/\${PAKMAN_RECIPE#.apk/}"

in_recipe_as_builder() { # dir command
	# su keeps the environment (SOURCE_DATE_EPOCH) apart from HOME, USER and SHELL.
	su -s /bin/sh "$user" -c "cd '$1' && $2"
}

status=0
phase snapshot
if [ "$PAKMAN_ROOT_WORKSPACE" = 1 ]; then
	# The build user may not be able to read a root-owned workspace, so root packs it (the
	# snapshot runs no code from the app) and hands the recipe and the output to the build user.
	(cd "$workspace_recipe" && abuild -F snapshot) || status=$?
	chown -R "$build_uid:$build_gid" "$recipe" "${CONTAINER_PATHS.packages}"
else
	in_recipe_as_builder "$workspace_recipe" "abuild snapshot" || status=$?
fi
if [ "$status" -eq 0 ]; then
	phase build
	in_recipe_as_builder "$recipe" "abuild -r" || status=$?
fi

phase finish
if [ "$PAKMAN_ROOT_WORKSPACE" = 1 ]; then
	chown -R 0:0 "$recipe" "${CONTAINER_PATHS.packages}"
fi
exit "$status"
`)
}

/**
 * The install test: a fresh container of the base image made to look like a deployment target
 * (OpenRC, since generated hooks call rc-update and rc-service), trusting only the run's key,
 * installs the main package from the output repository; apk runs its install scripts.
 * In: PAKMAN_KEY_NAME PAKMAN_REPOSITORY (the repository directory) PAKMAN_PACKAGE (name=version).
 */
export function installTestScript(): string {
  return fileText(sh`
#!/bin/sh
set -eu
echo "${PHASE_MARKER}install"
mkdir -p /etc/apk/keys
cp "${CONTAINER_PATHS.scripts}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/
apk add --no-cache openrc
apk add --no-cache --repository "${CONTAINER_PATHS.packages}/$PAKMAN_REPOSITORY" "$PAKMAN_PACKAGE"
echo "installed $PAKMAN_PACKAGE"
`)
}
