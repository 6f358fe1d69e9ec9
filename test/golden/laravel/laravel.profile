#!/bin/sh
export PATH="$PATH:/var/lib/laravel/bin"
