#!/bin/sh
export PATH="$PATH:/var/lib/rails/bin"
