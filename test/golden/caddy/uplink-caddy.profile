#!/bin/sh
export PATH="$PATH:/var/lib/uplink-caddy/bin"
