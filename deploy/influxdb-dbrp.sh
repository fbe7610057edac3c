#!/bin/bash
# InfluxDB 2 setup hook: map the v1 database city_ops to the bucket, so the
# platform's InfluxQL history queries (/query?db=city_ops) find it.
set -euo pipefail
bucket_id=$(influx bucket list --name "${DOCKER_INFLUXDB_INIT_BUCKET}" --hide-headers | cut -f1)
influx v1 dbrp create --db "${DOCKER_INFLUXDB_INIT_BUCKET}" --rp autogen --bucket-id "${bucket_id}" --default
