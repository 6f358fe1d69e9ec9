#!/bin/sh
export PATH="$PATH:/var/lib/next/bin"
