#!/usr/bin/env bash
# Makes the servers the connector tests talk to answer on loopback: installs
# the Debian packages the tests need (librdkafka-dev for the Kafka mock
# cluster), starts any service that is down, enables RabbitMQ's stream plugin
# and PostgreSQL's logical decoding (a restart when wal_level changes).
# Idempotent: a second run changes nothing. Needs root (the CI machine's user).
set -euo pipefail

up() { (echo > "/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }
wait_port() { # name port seconds
  for _ in $(seq 1 "$3"); do up "$2" && return 0; sleep 1; done
  echo "services: $1 does not answer on 127.0.0.1:$2 after $3 s" >&2; return 1
}

if ! dpkg -s librdkafka-dev >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq librdkafka-dev >/dev/null
fi

# PostgreSQL: logical decoding for the CDC source.
if ! up 5432; then pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start; fi
wait_port postgresql 5432 30
# Enough replication slots for the crash test (one per sink) beside the CDC tests running at the same time.
pgq() { psql -h 127.0.0.1 -U postgres -d test -qAtc "$1"; }
if [ "$(pgq 'show wal_level')" != logical ] || [ "$(pgq 'show max_replication_slots')" -lt 32 ]; then
  pgq "alter system set wal_level = logical" >/dev/null
  pgq "alter system set max_replication_slots = 32" >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main restart
  wait_port postgresql 5432 30
fi
# Slots a killed test run left behind retain WAL forever: drop the inactive ones with the tests' prefixes
# whose test process (the pid in the name, test/support/services.ts uniqueName) is gone; a running test's
# slot is inactive between its batches and must stay.
for slot in $(pgq "select slot_name from pg_replication_slots where not active and (slot_name like 'crash\_%' or slot_name like 'cdc\_%')"); do
  pid=$(echo "$slot" | grep -oE '_[0-9]+_' | head -n 1 | tr -d _)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then pgq "select pg_drop_replication_slot('$slot')" >/dev/null; fi
done

# Replication connections on loopback (the CDC source's streaming protocol); `host all` does not cover them.
hba="/etc/postgresql/$(ls /etc/postgresql)/main/pg_hba.conf"
if ! grep -qE '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo 'host replication all 127.0.0.1/32 trust' >> "$hba"
  psql -h 127.0.0.1 -U postgres -d test -qAtc 'select pg_reload_conf()' >/dev/null
fi

if ! up 3306; then start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; fi
wait_port mariadb 3306 30

if ! up 6379; then redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; fi
wait_port redis 6379 15

if ! up 4222; then
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
fi
wait_port nats 4222 15

if ! up 5672; then rabbitmq-server -detached; fi
wait_port rabbitmq 5672 90
# The stream plugin (port 5552) for RabbitMQ streams; enabling it on a running node takes effect at once.
if ! up 5552; then rabbitmq-plugins enable --quiet rabbitmq_stream >/dev/null; fi
wait_port rabbitmq-stream 5552 60

if ! up 1883; then mosquitto -d -c /etc/mosquitto/mosquitto.conf; fi
wait_port mosquitto 1883 15
echo "services: postgresql mariadb redis nats rabbitmq (+stream) mosquitto answer; librdkafka-dev installed"
