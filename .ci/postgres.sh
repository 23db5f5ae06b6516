#!/bin/sh
# PostgreSQL for test/tune_storage.test.ts (two workers sharing one study): a throwaway cluster
# owned by the postgres user, listening only on a Unix socket. Sourced by .ci/run; exports
# DLFLOW_TEST_POSTGRES, which only that test file reads.
PGBIN=/usr/lib/postgresql/15/bin
if ! [ -x "$PGBIN/initdb" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null; } \
    || echo "== warning: could not install postgresql-15; the PostgreSQL storage tests will be skipped"
fi
if [ -x "$PGBIN/initdb" ]; then
  PGTMP=$(mktemp -d /tmp/dlflow-pg.XXXXXX)
  chown postgres "$PGTMP"
  su postgres -s /bin/sh -c "$PGBIN/initdb -D $PGTMP/data -U postgres -A trust >/dev/null" &&
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGTMP/data -l $PGTMP/log -w -o \"-k $PGTMP -p 54329 -c listen_addresses=''\" start >/dev/null" &&
  su postgres -s /bin/sh -c "$PGBIN/createdb -h $PGTMP -p 54329 -U postgres dlflow_test" &&
  export DLFLOW_TEST_POSTGRES="postgresql://postgres@/dlflow_test?host=$PGTMP&port=54329" &&
  echo "== PostgreSQL for the tuning tests: $DLFLOW_TEST_POSTGRES"
fi
