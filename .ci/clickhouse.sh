#!/usr/bin/env bash
# Starts a throwaway ClickHouse server on loopback for the test suite, without systemd.
#
#   .ci/clickhouse.sh start DIR   writes DIR/config.xml + DIR/users.xml, starts the server
#                                 (data, logs and pid under DIR), waits for `SELECT 1` over
#                                 HTTP and prints the URL (http://127.0.0.1:PORT) on stdout.
#   .ci/clickhouse.sh stop DIR    stops the server started in DIR (by its pid file).
#
# Ports: CLICKHOUSE_HTTP_PORT / CLICKHOUSE_TCP_PORT, else the first free pair from 18123/19000.
# Works with Debian's clickhouse-server 18.16 (bookworm) and with current releases.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# GET http://127.0.0.1:$1$2 with bash alone (CI images may lack curl); prints the body.
http_get() {
  local port=$1 path=$2 body
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  body=$(timeout 2 cat <&3) || true
  exec 3<&-
  [[ $body == "HTTP/1."?" 200"* ]] || return 1
  printf '%s' "${body#*$'\r\n\r\n'}"
}

# Running and not a zombie (a SIGKILLed daemon stays a zombie where PID 1 does not reap).
alive() {
  kill -0 "$1" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

pick_port() {
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}

start() {
  command -v clickhouse-server >/dev/null || {
    echo "clickhouse-server is not installed (apt-get install clickhouse-server)" >&2
    exit 1
  }
  if [[ -f $dir/clickhouse.pid ]]; then
    if alive "$(cat "$dir/clickhouse.pid")"; then
      echo "a server already runs from $dir (pid $(cat "$dir/clickhouse.pid"))" >&2
      exit 1
    fi
    rm -f "$dir/clickhouse.pid" # left by a crashed server; it would refuse to start
  fi
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  dir=$(cd "$dir" && pwd)
  local http tcp
  http=${CLICKHOUSE_HTTP_PORT:-$(pick_port 18123)}
  tcp=${CLICKHOUSE_TCP_PORT:-$(pick_port 19000)}
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$dir/log/clickhouse-server.log</log>
    <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <!-- A user with a password, for the tests of username/password_file (TOKENWATT_CLICKHOUSE_AUTH). -->
    <tokenwatt>
      <password>tokenwatt-ci-password</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </tokenwatt>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
EOF
  # --daemon forks and writes the pid file itself; the server runs as the current user.
  clickhouse-server --daemon --config-file="$dir/config.xml" --pid-file="$dir/clickhouse.pid" \
    >"$dir/log/stdout.log" 2>&1
  local url="http://127.0.0.1:$http"
  for _ in $(seq 1 120); do
    if [[ "$(http_get "$http" "/?query=SELECT%201" 2>/dev/null)" == "1" ]]; then
      echo "$url"
      return 0
    fi
    if [[ -f $dir/clickhouse.pid ]] && ! alive "$(cat "$dir/clickhouse.pid")"; then break; fi
    sleep 0.5
  done
  echo "ClickHouse did not answer on $url within 60 s; last log lines:" >&2
  tail -n 30 "$dir/log/clickhouse-server.err.log" "$dir/log/stderr.log" "$dir/log/stdout.log" >&2 || true
  exit 1
}

stop() {
  local pidfile="$dir/clickhouse.pid"
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    alive "$pid" || {
      rm -f "$pidfile"
      return 0
    }
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
