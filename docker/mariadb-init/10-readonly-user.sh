#!/bin/bash
# Runs once, when the MariaDB volume is first initialised: a SELECT-only user for Grafana's MySQL
# data source (alert rules). The server's own user (MARIADB_USER) is created by the image.
set -euo pipefail
mariadb -uroot -p"${MARIADB_ROOT_PASSWORD}" <<SQL
CREATE USER IF NOT EXISTS '${OMA_MYSQL_RO_USER}'@'%' IDENTIFIED BY '${OMA_MYSQL_RO_PASSWORD}';
GRANT SELECT ON \`${MARIADB_DATABASE}\`.* TO '${OMA_MYSQL_RO_USER}'@'%';
FLUSH PRIVILEGES;
SQL
