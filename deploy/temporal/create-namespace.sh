#!/bin/sh
# One-shot, in temporalio/admin-tools: waits until the server answers, then makes sure the
# namespace exists. The app starts only once this has exited 0, so it never starts before its
# namespace (the failure the old health check let through).
set -eu
NAMESPACE="${DEFAULT_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-720h}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do echo "waiting for Temporal at $TEMPORAL_ADDRESS"; sleep 2; done
if temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "Namespace $NAMESPACE exists"
else
  temporal operator namespace create -n "$NAMESPACE" --retention "$RETENTION" --address "$TEMPORAL_ADDRESS"
fi
# Creation is seen by every frontend once its namespace cache refreshes: wait for describe.
until temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 2; done
echo "Namespace $NAMESPACE is ready"
