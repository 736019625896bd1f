import { graphql } from '@/gql';

// The integrations screen (issue #15, admins): OneRoster import (upload = dry run, real run as a
// background job with live progress) and LMS webhooks with their delivery log.

export const OneRosterReportFieldsFragment = graphql(`
  fragment OneRosterReportFields on OneRosterReport {
    summary
    warnings
    rowsTruncated
    files {
      file
      rows
      created
      updated
      unchanged
      removed
      skipped
      refused
    }
    refused {
      file
      line
      entity
      sourcedId
      reason
      message
    }
    rows {
      file
      line
      entity
      sourcedId
      action
      reason
      message
    }
  }
`);

export const OneRosterImportFieldsFragment = graphql(`
  fragment OneRosterImportFields on OneRosterImportType {
    id
    status
    strict
    consentColumn
    progress
    error
    createdAt
    createdBy
    finishedAt
    preview {
      ...OneRosterReportFields
    }
    result {
      ...OneRosterReportFields
    }
  }
`);

export const UploadOneRosterMutation = graphql(`
  mutation UploadOneRoster($files: [Upload!]!, $strict: Boolean!, $consentColumn: Boolean!) {
    uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {
      ...OneRosterImportFields
    }
  }
`);

export const RunOneRosterImportMutation = graphql(`
  mutation RunOneRosterImport($id: ID!) {
    runOneRosterImport(id: $id) {
      id
      status
      progress
    }
  }
`);

export const OneRosterImportQuery = graphql(`
  query OneRosterImport($id: ID!) {
    oneRosterImport(id: $id) {
      ...OneRosterImportFields
    }
  }
`);

export const OneRosterImportsQuery = graphql(`
  query OneRosterImports($skip: Int!, $take: Int!) {
    oneRosterImports(skip: $skip, take: $take) {
      total
      hasMore
      items {
        id
        status
        strict
        createdAt
        createdBy
        finishedAt
        error
      }
    }
  }
`);

export const OneRosterImportProgressSubscription = graphql(`
  subscription OneRosterImportProgress($id: ID!) {
    oneRosterImportProgress(id: $id) {
      id
      status
      progress
      error
    }
  }
`);

export const WebhookFieldsFragment = graphql(`
  fragment WebhookFields on WebhookSubscription {
    id
    url
    events
    courseIds
    active
    createdAt
    createdBy
  }
`);

export const WebhooksQuery = graphql(`
  query Webhooks {
    webhooks {
      ...WebhookFields
    }
    courses(take: 200) {
      items {
        id
        code
        name
      }
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      subscription {
        ...WebhookFields
      }
    }
  }
`);

export const SetWebhookActiveMutation = graphql(`
  mutation SetWebhookActive($id: ID!, $active: Boolean!) {
    setWebhookActive(id: $id, active: $active) {
      ...WebhookFields
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($subscriptionId: ID!, $skip: Int!, $take: Int!) {
    webhookDeliveries(subscriptionId: $subscriptionId, skip: $skip, take: $take) {
      total
      hasMore
      items {
        id
        event
        status
        attempts
        createdAt
        deliveredAt
        lastAttemptAt
        lastStatusCode
        lastError
        payload
      }
    }
  }
`);

export const ReplayWebhookDeliveryMutation = graphql(`
  mutation ReplayWebhookDelivery($id: ID!) {
    replayWebhookDelivery(id: $id) {
      id
      status
      attempts
      lastAttemptAt
      lastStatusCode
      lastError
    }
  }
`);
