#!/bin/sh
export PATH="$PATH:/var/lib/astro/bin"
