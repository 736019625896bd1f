import { graphql } from '@/gql';

// Monitoring (admins): live metrics and alerts.

export const SystemMetricsFields = graphql(`
  fragment SystemMetricsFields on SystemMetrics {
    instanceId
    at
    backend
    workers
    windowSeconds
    uptimeSeconds
    requests
    errors
    errorRate
    requestP95Ms
    photoLatencyP95Ms
    photosDone
    photosFailed
    queueDepth
    utilization
    eventLoopLagP99Ms
    heapUsedBytes
    rssBytes
    activeSubscriptions
    workerCrashes
    cacheHitRate
  }
`);
export const SystemMetricsQuery = graphql(`
  query SystemMetrics {
    systemMetrics {
      ...SystemMetricsFields
    }
  }
`);
export const MetricsUpdatedSubscription = graphql(`
  subscription MetricsUpdated {
    metricsUpdated {
      ...SystemMetricsFields
    }
  }
`);
export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id
    rule
    severity
    state
    summary
    subject
    value
    threshold
    startedAt
    resolvedAt
    updatedAt
  }
`);
export const AlertsQuery = graphql(`
  query Alerts($state: AlertState, $skip: Int!, $take: Int!) {
    alerts(state: $state, skip: $skip, take: $take) {
      total
      hasMore
      items {
        ...AlertFields
      }
    }
  }
`);
export const AlertChangedSubscription = graphql(`
  subscription AlertChanged {
    alertChanged {
      ...AlertFields
    }
  }
`);
