#!/bin/sh
# Run by the image's /docker-entrypoint.sh before nginx starts (it runs every executable *.sh in
# /docker-entrypoint.d/). With ecs-fargate:egress ipv6-egress-only the task has only an IPv6
# address and the ALB's IPv6 target group reaches it over IPv6, so nginx must listen on [::] too.
# In an IPv4-only awsvpc task ECS turns IPv6 off in the task's network namespace (the ECS agent
# sets net.ipv6.conf.all.disable_ipv6 back to 0 only for tasks with IPv6), so the listen is
# written only when some interface has an IPv6 address. nginx.conf includes the file from the
# task's one writable volume; the root filesystem is read-only (docs/app.md).
set -eu

IF_INET6="${IF_INET6:-/proc/net/if_inet6}"
SNIPPET="${LISTEN_SNIPPET_DIR:-/tmp/nginx}/listen-ipv6.conf"
CONTAINER_PORT=8080

if grep -q . "$IF_INET6" 2>/dev/null; then
    echo "listen [::]:${CONTAINER_PORT} default_server;" > "$SNIPPET"
    echo "$0: listening on [::]:${CONTAINER_PORT} as well (IPv6 is on)"
else
    rm -f "$SNIPPET"
    echo "$0: IPv4 only (no IPv6 address in $IF_INET6)"
fi
