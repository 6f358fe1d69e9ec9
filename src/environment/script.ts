import { fileText, list, sh, singleQuoted, type Word } from '../shell/index.js'

/**
 * Turns the base image into the build environment: installs each package that is not there yet,
 * so a prepared image needs no network at all.
 */
export function environmentScript(packages: readonly Word[]): string {
  return fileText(sh`
#!/bin/sh
# Installs the build environment's packages that the image does not have yet.
set -eu
set -f # package names may hold version rules such as nodejs>=20; never glob them

missing=""
for package in ${list(packages.map(singleQuoted))}; do
	if ! apk info -e "$package" >/dev/null 2>&1; then
		missing="$missing $package"
	fi
done

if [ -z "$missing" ]; then
	echo "all packages are present"
	exit 0
fi
echo "installing:$missing"
# shellcheck disable=SC2086 # one word per package
apk add --no-cache $missing
`)
}
