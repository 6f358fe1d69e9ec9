#!/bin/sh
export PATH="$PATH:/var/lib/elixir/bin"
