#!/usr/bin/env bash
# JMH benchmarks of the model-pattern matcher and pattern table. Usage: bench/pattern/run.sh [jmh args]
set -euo pipefail
cd "$(dirname "$0")/../.."
source lib/jdk.sh
mvn -B -q -o -pl contracts install -DskipTests
mvn -B -q -o -f bench/pattern/pom.xml package
exec "$JAVA_HOME/bin/java" -jar bench/pattern/target/pattern-benchmarks.jar "$@"
