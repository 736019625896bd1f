/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Users {\n    users {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    courseId\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n    users {\n      id\n      email\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {\n    auditLog(skip: $skip, take: $take, targetId: $targetId) {\n      total\n      hasMore\n      items {\n        id\n        at\n        actor\n        actorLabel\n        action\n        targetType\n        targetId\n        details\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query CourseClass($id: ID!) {\n    course(id: $id) {\n      id\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faceAdvice {\n            faces\n            weakFaces\n            ready\n            message\n          }\n        }\n      }\n    }\n  }\n": typeof types.CourseClassDocument,
    "\n  mutation ImportRoster($courseId: ID!, $csv: String!, $dryRun: Boolean) {\n    importRoster(courseId: $courseId, csv: $csv, dryRun: $dryRun) {\n      dryRun\n      created\n      enrolled\n      unchanged\n      skipped\n      rows {\n        line\n        externalId\n        name\n        outcome\n        message\n      }\n    }\n  }\n": typeof types.ImportRosterDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      id\n      code\n      name\n      createdAt\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faces {\n            id\n          }\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            status\n          }\n        }\n      }\n    }\n  }\n": typeof types.CourseDocument,
    "\n  mutation AddStudent($input: AddStudentInput!) {\n    addStudent(input: $input) {\n      id\n      externalId\n      name\n    }\n  }\n": typeof types.AddStudentDocument,
    "\n  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {\n    startSession(courseId: $courseId, options: $options) {\n      id\n      openedAt\n      lateAfter\n    }\n  }\n": typeof types.StartSessionDocument,
    "\n  fragment CourseScheduleFields on CourseScheduleType {\n    courseId\n    timezone\n    termStart\n    termEnd\n    slots {\n      id\n      weekday\n      start\n      end\n      lateAfterMinutes\n    }\n  }\n": typeof types.CourseScheduleFieldsFragmentDoc,
    "\n  query CourseSchedule($courseId: ID!) {\n    courseSchedule(courseId: $courseId) {\n      ...CourseScheduleFields\n    }\n  }\n": typeof types.CourseScheduleDocument,
    "\n  mutation SetCourseSchedule($courseId: ID!, $timezone: String!, $slots: [ScheduleSlotInput!]!) {\n    setCourseSchedule(courseId: $courseId, timezone: $timezone, slots: $slots) {\n      ...CourseScheduleFields\n    }\n  }\n": typeof types.SetCourseScheduleDocument,
    "\n  query Courses($skip: Int!, $take: Int!) {\n    courses(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        code\n        name\n        createdAt\n        students(take: 1) {\n          total\n        }\n        sessions(take: 1) {\n          total\n          items {\n            id\n            openedAt\n            isOpen\n          }\n        }\n      }\n    }\n  }\n": typeof types.CoursesDocument,
    "\n  mutation CreateCourse($input: CreateCourseInput!) {\n    createCourse(input: $input) {\n      id\n      code\n      name\n    }\n  }\n": typeof types.CreateCourseDocument,
    "\n  fragment OneRosterReportFields on OneRosterReport {\n    summary\n    warnings\n    rowsTruncated\n    files {\n      file\n      rows\n      created\n      updated\n      unchanged\n      removed\n      skipped\n      refused\n    }\n    refused {\n      file\n      line\n      entity\n      sourcedId\n      reason\n      message\n    }\n    rows {\n      file\n      line\n      entity\n      sourcedId\n      action\n      reason\n      message\n    }\n  }\n": typeof types.OneRosterReportFieldsFragmentDoc,
    "\n  fragment OneRosterImportFields on OneRosterImportType {\n    id\n    status\n    strict\n    consentColumn\n    progress\n    error\n    createdAt\n    createdBy\n    finishedAt\n    preview {\n      ...OneRosterReportFields\n    }\n    result {\n      ...OneRosterReportFields\n    }\n  }\n": typeof types.OneRosterImportFieldsFragmentDoc,
    "\n  mutation UploadOneRoster($files: [Upload!]!, $strict: Boolean!, $consentColumn: Boolean!) {\n    uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {\n      ...OneRosterImportFields\n    }\n  }\n": typeof types.UploadOneRosterDocument,
    "\n  mutation RunOneRosterImport($id: ID!) {\n    runOneRosterImport(id: $id) {\n      id\n      status\n      progress\n    }\n  }\n": typeof types.RunOneRosterImportDocument,
    "\n  query OneRosterImport($id: ID!) {\n    oneRosterImport(id: $id) {\n      ...OneRosterImportFields\n    }\n  }\n": typeof types.OneRosterImportDocument,
    "\n  query OneRosterImports($skip: Int!, $take: Int!) {\n    oneRosterImports(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        status\n        strict\n        createdAt\n        createdBy\n        finishedAt\n        error\n      }\n    }\n  }\n": typeof types.OneRosterImportsDocument,
    "\n  subscription OneRosterImportProgress($id: ID!) {\n    oneRosterImportProgress(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n": typeof types.OneRosterImportProgressDocument,
    "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    events\n    courseIds\n    active\n    createdAt\n    createdBy\n  }\n": typeof types.WebhookFieldsFragmentDoc,
    "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      subscription {\n        ...WebhookFields\n      }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation SetWebhookActive($id: ID!, $active: Boolean!) {\n    setWebhookActive(id: $id, active: $active) {\n      ...WebhookFields\n    }\n  }\n": typeof types.SetWebhookActiveDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($subscriptionId: ID!, $skip: Int!, $take: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        event\n        status\n        attempts\n        createdAt\n        deliveredAt\n        lastAttemptAt\n        lastStatusCode\n        lastError\n        payload\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      id\n      status\n      attempts\n      lastAttemptAt\n      lastStatusCode\n      lastError\n    }\n  }\n": typeof types.ReplayWebhookDeliveryDocument,
    "\n  fragment SystemMetricsFields on SystemMetrics {\n    instanceId\n    at\n    backend\n    workers\n    windowSeconds\n    uptimeSeconds\n    requests\n    errors\n    errorRate\n    requestP95Ms\n    photoLatencyP95Ms\n    photosDone\n    photosFailed\n    queueDepth\n    utilization\n    eventLoopLagP99Ms\n    heapUsedBytes\n    rssBytes\n    activeSubscriptions\n    workerCrashes\n    cacheHitRate\n  }\n": typeof types.SystemMetricsFieldsFragmentDoc,
    "\n  query SystemMetrics {\n    systemMetrics {\n      ...SystemMetricsFields\n    }\n  }\n": typeof types.SystemMetricsDocument,
    "\n  subscription MetricsUpdated {\n    metricsUpdated {\n      ...SystemMetricsFields\n    }\n  }\n": typeof types.MetricsUpdatedDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    rule\n    severity\n    state\n    summary\n    subject\n    value\n    threshold\n    startedAt\n    resolvedAt\n    updatedAt\n  }\n": typeof types.AlertFieldsFragmentDoc,
    "\n  query Alerts($state: AlertState, $skip: Int!, $take: Int!) {\n    alerts(state: $state, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        ...AlertFields\n      }\n    }\n  }\n": typeof types.AlertsDocument,
    "\n  subscription AlertChanged {\n    alertChanged {\n      ...AlertFields\n    }\n  }\n": typeof types.AlertChangedDocument,
    "\n  query Report($courseId: ID!) {\n    course(id: $courseId) {\n      id\n      code\n      name\n      students(take: 200) {\n        items {\n          id\n          name\n          externalId\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            studentId\n            status\n            source\n            confidence\n            note\n            firstSeenAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.ReportDocument,
    "\n  query ReviewDecisions($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      isOpen\n      openedAt\n      awaitingReview\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        id\n        studentId\n        status\n        source\n      }\n      photos(take: 200) {\n        items {\n          id\n          width\n          height\n        }\n      }\n      reviewQueue(take: 200) {\n        total\n        items {\n          id\n          photoId\n          decision\n          confidence\n          quality\n          box {\n            ...BoxFields\n          }\n          proposedStudent {\n            id\n            name\n            externalId\n            faces {\n              id\n              quality\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ReviewDecisionsDocument,
    "\n  query ReviewDecisionImages($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      photos(take: 200) {\n        items {\n          id\n          imageUrl\n        }\n      }\n      reviewQueue(take: 200) {\n        items {\n          id\n          imageUrl\n          proposedStudent {\n            id\n            faces {\n              id\n              imageUrl\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ReviewDecisionImagesDocument,
    "\n  mutation DismissUnknownFaces($sessionId: ID!) {\n    dismissUnknownFaces(sessionId: $sessionId)\n  }\n": typeof types.DismissUnknownFacesDocument,
    "\n  mutation ConfirmFace($faceId: ID!, $studentId: ID) {\n    confirmFace(faceId: $faceId, studentId: $studentId) {\n      id\n      reviewStatus\n      student {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ConfirmFaceDocument,
    "\n  mutation DismissFace($faceId: ID!) {\n    dismissFace(faceId: $faceId) {\n      id\n      reviewStatus\n    }\n  }\n": typeof types.DismissFaceDocument,
    "\n  query SessionSafety($id: ID!) {\n    session(id: $id) {\n      id\n      awaitingReview\n      lastAction {\n        id\n        kind\n        summary\n        createdAt\n      }\n    }\n  }\n": typeof types.SessionSafetyDocument,
    "\n  mutation UndoSessionAction($sessionId: ID!, $actionId: ID) {\n    undoSessionAction(sessionId: $sessionId, actionId: $actionId) {\n      action {\n        id\n        summary\n      }\n      records {\n        ...RecordFields\n      }\n      clearedStudentIds\n    }\n  }\n": typeof types.UndoSessionActionDocument,
    "\n  mutation MarkNotSeenAbsent($sessionId: ID!) {\n    markNotSeenAbsent(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n": typeof types.MarkNotSeenAbsentDocument,
    "\n  query Session($id: ID!) {\n    session(id: $id) {\n      id\n      isOpen\n      openedAt\n      closedAt\n      lateAfter\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        ...RecordFields\n      }\n      reviewQueue(take: 1) {\n        total\n      }\n      photos(take: 100) {\n        total\n        items {\n          ...PhotoFields\n        }\n      }\n    }\n  }\n": typeof types.SessionDocument,
    "\n  query SessionPhotoImages($id: ID!) {\n    session(id: $id) {\n      id\n      photos(take: 100) {\n        items {\n          id\n          imageUrl\n        }\n      }\n    }\n  }\n": typeof types.SessionPhotoImagesDocument,
    "\n  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {\n    submitPhoto(sessionId: $sessionId, photo: $photo) {\n      ...PhotoFields\n    }\n  }\n": typeof types.SubmitPhotoDocument,
    "\n  mutation MarkAttendance($input: MarkAttendanceInput!) {\n    markAttendance(input: $input) {\n      ...RecordFields\n    }\n  }\n": typeof types.MarkAttendanceDocument,
    "\n  mutation CloseSession($sessionId: ID!) {\n    closeSession(sessionId: $sessionId) {\n      id\n      isOpen\n      closedAt\n      records {\n        ...RecordFields\n      }\n    }\n  }\n": typeof types.CloseSessionDocument,
    "\n  subscription AttendanceMarked($sessionId: ID!) {\n    attendanceMarked(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n": typeof types.AttendanceMarkedDocument,
    "\n  subscription PhotoProcessed($sessionId: ID!) {\n    photoProcessed(sessionId: $sessionId) {\n      ...PhotoFields\n    }\n  }\n": typeof types.PhotoProcessedDocument,
    "\n  query StudentHistory($id: ID!) {\n    student(id: $id) {\n      id\n      name\n      faceAdvice {\n        ready\n        message\n      }\n      history {\n        sessionId\n        courseId\n        courseCode\n        openedAt\n        status\n        source\n        note\n        firstSeenAt\n      }\n    }\n  }\n": typeof types.StudentHistoryDocument,
    "\n  query Student($id: ID!) {\n    student(id: $id) {\n      id\n      externalId\n      name\n      email\n      createdAt\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        ...FaceSampleFields\n      }\n    }\n  }\n": typeof types.StudentDocument,
    "\n  query StudentFaceImages($id: ID!) {\n    student(id: $id) {\n      id\n      faces {\n        id\n        imageUrl\n      }\n    }\n  }\n": typeof types.StudentFaceImagesDocument,
    "\n  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {\n    enrollFaces(studentId: $studentId, photos: $photos) {\n      ...FaceSampleFields\n    }\n  }\n": typeof types.EnrollFacesDocument,
    "\n  mutation AssessFace($photo: Upload!) {\n    assessFace(photo: $photo) {\n      ok\n      code\n      message\n      issues\n      quality\n      box {\n        ...BoxFields\n      }\n    }\n  }\n": typeof types.AssessFaceDocument,
    "\n  mutation DeleteFace($id: ID!) {\n    deleteFace(id: $id)\n  }\n": typeof types.DeleteFaceDocument,
    "\n  mutation DeleteStudent($id: ID!) {\n    deleteStudent(id: $id)\n  }\n": typeof types.DeleteStudentDocument,
    "\n  mutation WithdrawConsent($studentId: ID!) {\n    withdrawConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        id\n      }\n    }\n  }\n": typeof types.WithdrawConsentDocument,
    "\n  mutation GiveConsent($studentId: ID!) {\n    giveConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n    }\n  }\n": typeof types.GiveConsentDocument,
    "\n  query StudentDataExport($studentId: ID!) {\n    studentDataExport(studentId: $studentId) {\n      exportedAt\n      student {\n        id\n        externalId\n        name\n        email\n        createdAt\n        consentGivenAt\n        consentRecordedBy\n      }\n      records {\n        id\n        sessionId\n        status\n        source\n        confidence\n        note\n        firstSeenAt\n        updatedAt\n        photoId\n        faceId\n      }\n      faces {\n        id\n        createdAt\n        quality\n        detectionScore\n        source\n        model\n        imageUrl\n        box {\n          ...BoxFields\n        }\n      }\n    }\n  }\n": typeof types.StudentDataExportDocument,
    "\n  query CourseAnalytics($courseId: ID!, $forecastSessions: Int!) {\n    attendanceByCourse(courseId: $courseId) {\n      courseId\n      courseCode\n      courseName\n      sessions\n      present\n      late\n      excused\n      absent\n      attendanceRate\n      punctualityRate\n    }\n    studentsAtRisk(courseId: $courseId) {\n      studentId\n      studentName\n      externalId\n      courseId\n      courseCode\n      sessions\n      attendanceRate\n      absenceStreak\n      reasons\n    }\n    attendanceForecast(courseId: $courseId, sessions: $forecastSessions) {\n      courseId\n      enrolled\n      historySessions\n      method\n      accuracy {\n        method\n        mae\n        mape\n        evaluatedPoints\n        candidates {\n          method\n          mae\n          mape\n          points\n        }\n      }\n      points {\n        step\n        expectedDate\n        expectedRate\n        expectedAttendees\n      }\n    }\n    recognitionQuality(courseId: $courseId, granularity: SESSION) {\n      periodStart\n      sessionId\n      autoMarked\n      reviewConfirmed\n      manuallyCorrected\n      autoShare\n      confirmedShare\n      correctedShare\n      facesAccepted\n      facesReview\n      facesUnknown\n      facesConfirmed\n      facesDismissed\n      facesPending\n    }\n  }\n": typeof types.CourseAnalyticsDocument,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  fragment BoxFields on Box {\n    x\n    y\n    width\n    height\n  }\n": typeof types.BoxFieldsFragmentDoc,
    "\n  fragment FaceSampleFields on FaceSample {\n    id\n    createdAt\n    quality\n    detectionScore\n    source\n    box {\n      ...BoxFields\n    }\n  }\n": typeof types.FaceSampleFieldsFragmentDoc,
    "\n  fragment RecordFields on AttendanceRecord {\n    id\n    sessionId\n    studentId\n    status\n    source\n    confidence\n    note\n    firstSeenAt\n    updatedAt\n    photoId\n    faceId\n  }\n": typeof types.RecordFieldsFragmentDoc,
    "\n  fragment PhotoFields on PhotoAnalysis {\n    id\n    sessionId\n    status\n    submittedAt\n    processedAt\n    width\n    height\n    errorCode\n    errorMessage\n    faces {\n      id\n      decision\n      confidence\n      reviewStatus\n      box {\n        ...BoxFields\n      }\n      student {\n        id\n        name\n        externalId\n      }\n      candidate {\n        id\n        name\n        externalId\n      }\n    }\n  }\n": typeof types.PhotoFieldsFragmentDoc,
    "\n  fragment CourseRosterFields on Course {\n    id\n    code\n    name\n    students(take: 200) {\n      items {\n        id\n        name\n        externalId\n      }\n    }\n  }\n": typeof types.CourseRosterFieldsFragmentDoc,
};
const documents: Documents = {
    "\n  query Users {\n    users {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n": types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n": types.CreateUserDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    courseId\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n    users {\n      id\n      email\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {\n    auditLog(skip: $skip, take: $take, targetId: $targetId) {\n      total\n      hasMore\n      items {\n        id\n        at\n        actor\n        actorLabel\n        action\n        targetType\n        targetId\n        details\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query CourseClass($id: ID!) {\n    course(id: $id) {\n      id\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faceAdvice {\n            faces\n            weakFaces\n            ready\n            message\n          }\n        }\n      }\n    }\n  }\n": types.CourseClassDocument,
    "\n  mutation ImportRoster($courseId: ID!, $csv: String!, $dryRun: Boolean) {\n    importRoster(courseId: $courseId, csv: $csv, dryRun: $dryRun) {\n      dryRun\n      created\n      enrolled\n      unchanged\n      skipped\n      rows {\n        line\n        externalId\n        name\n        outcome\n        message\n      }\n    }\n  }\n": types.ImportRosterDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      id\n      code\n      name\n      createdAt\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faces {\n            id\n          }\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            status\n          }\n        }\n      }\n    }\n  }\n": types.CourseDocument,
    "\n  mutation AddStudent($input: AddStudentInput!) {\n    addStudent(input: $input) {\n      id\n      externalId\n      name\n    }\n  }\n": types.AddStudentDocument,
    "\n  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {\n    startSession(courseId: $courseId, options: $options) {\n      id\n      openedAt\n      lateAfter\n    }\n  }\n": types.StartSessionDocument,
    "\n  fragment CourseScheduleFields on CourseScheduleType {\n    courseId\n    timezone\n    termStart\n    termEnd\n    slots {\n      id\n      weekday\n      start\n      end\n      lateAfterMinutes\n    }\n  }\n": types.CourseScheduleFieldsFragmentDoc,
    "\n  query CourseSchedule($courseId: ID!) {\n    courseSchedule(courseId: $courseId) {\n      ...CourseScheduleFields\n    }\n  }\n": types.CourseScheduleDocument,
    "\n  mutation SetCourseSchedule($courseId: ID!, $timezone: String!, $slots: [ScheduleSlotInput!]!) {\n    setCourseSchedule(courseId: $courseId, timezone: $timezone, slots: $slots) {\n      ...CourseScheduleFields\n    }\n  }\n": types.SetCourseScheduleDocument,
    "\n  query Courses($skip: Int!, $take: Int!) {\n    courses(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        code\n        name\n        createdAt\n        students(take: 1) {\n          total\n        }\n        sessions(take: 1) {\n          total\n          items {\n            id\n            openedAt\n            isOpen\n          }\n        }\n      }\n    }\n  }\n": types.CoursesDocument,
    "\n  mutation CreateCourse($input: CreateCourseInput!) {\n    createCourse(input: $input) {\n      id\n      code\n      name\n    }\n  }\n": types.CreateCourseDocument,
    "\n  fragment OneRosterReportFields on OneRosterReport {\n    summary\n    warnings\n    rowsTruncated\n    files {\n      file\n      rows\n      created\n      updated\n      unchanged\n      removed\n      skipped\n      refused\n    }\n    refused {\n      file\n      line\n      entity\n      sourcedId\n      reason\n      message\n    }\n    rows {\n      file\n      line\n      entity\n      sourcedId\n      action\n      reason\n      message\n    }\n  }\n": types.OneRosterReportFieldsFragmentDoc,
    "\n  fragment OneRosterImportFields on OneRosterImportType {\n    id\n    status\n    strict\n    consentColumn\n    progress\n    error\n    createdAt\n    createdBy\n    finishedAt\n    preview {\n      ...OneRosterReportFields\n    }\n    result {\n      ...OneRosterReportFields\n    }\n  }\n": types.OneRosterImportFieldsFragmentDoc,
    "\n  mutation UploadOneRoster($files: [Upload!]!, $strict: Boolean!, $consentColumn: Boolean!) {\n    uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {\n      ...OneRosterImportFields\n    }\n  }\n": types.UploadOneRosterDocument,
    "\n  mutation RunOneRosterImport($id: ID!) {\n    runOneRosterImport(id: $id) {\n      id\n      status\n      progress\n    }\n  }\n": types.RunOneRosterImportDocument,
    "\n  query OneRosterImport($id: ID!) {\n    oneRosterImport(id: $id) {\n      ...OneRosterImportFields\n    }\n  }\n": types.OneRosterImportDocument,
    "\n  query OneRosterImports($skip: Int!, $take: Int!) {\n    oneRosterImports(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        status\n        strict\n        createdAt\n        createdBy\n        finishedAt\n        error\n      }\n    }\n  }\n": types.OneRosterImportsDocument,
    "\n  subscription OneRosterImportProgress($id: ID!) {\n    oneRosterImportProgress(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n": types.OneRosterImportProgressDocument,
    "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    events\n    courseIds\n    active\n    createdAt\n    createdBy\n  }\n": types.WebhookFieldsFragmentDoc,
    "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n": types.WebhooksDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      subscription {\n        ...WebhookFields\n      }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation SetWebhookActive($id: ID!, $active: Boolean!) {\n    setWebhookActive(id: $id, active: $active) {\n      ...WebhookFields\n    }\n  }\n": types.SetWebhookActiveDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n": types.DeleteWebhookDocument,
    "\n  query WebhookDeliveries($subscriptionId: ID!, $skip: Int!, $take: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        event\n        status\n        attempts\n        createdAt\n        deliveredAt\n        lastAttemptAt\n        lastStatusCode\n        lastError\n        payload\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      id\n      status\n      attempts\n      lastAttemptAt\n      lastStatusCode\n      lastError\n    }\n  }\n": types.ReplayWebhookDeliveryDocument,
    "\n  fragment SystemMetricsFields on SystemMetrics {\n    instanceId\n    at\n    backend\n    workers\n    windowSeconds\n    uptimeSeconds\n    requests\n    errors\n    errorRate\n    requestP95Ms\n    photoLatencyP95Ms\n    photosDone\n    photosFailed\n    queueDepth\n    utilization\n    eventLoopLagP99Ms\n    heapUsedBytes\n    rssBytes\n    activeSubscriptions\n    workerCrashes\n    cacheHitRate\n  }\n": types.SystemMetricsFieldsFragmentDoc,
    "\n  query SystemMetrics {\n    systemMetrics {\n      ...SystemMetricsFields\n    }\n  }\n": types.SystemMetricsDocument,
    "\n  subscription MetricsUpdated {\n    metricsUpdated {\n      ...SystemMetricsFields\n    }\n  }\n": types.MetricsUpdatedDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    rule\n    severity\n    state\n    summary\n    subject\n    value\n    threshold\n    startedAt\n    resolvedAt\n    updatedAt\n  }\n": types.AlertFieldsFragmentDoc,
    "\n  query Alerts($state: AlertState, $skip: Int!, $take: Int!) {\n    alerts(state: $state, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        ...AlertFields\n      }\n    }\n  }\n": types.AlertsDocument,
    "\n  subscription AlertChanged {\n    alertChanged {\n      ...AlertFields\n    }\n  }\n": types.AlertChangedDocument,
    "\n  query Report($courseId: ID!) {\n    course(id: $courseId) {\n      id\n      code\n      name\n      students(take: 200) {\n        items {\n          id\n          name\n          externalId\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            studentId\n            status\n            source\n            confidence\n            note\n            firstSeenAt\n          }\n        }\n      }\n    }\n  }\n": types.ReportDocument,
    "\n  query ReviewDecisions($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      isOpen\n      openedAt\n      awaitingReview\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        id\n        studentId\n        status\n        source\n      }\n      photos(take: 200) {\n        items {\n          id\n          width\n          height\n        }\n      }\n      reviewQueue(take: 200) {\n        total\n        items {\n          id\n          photoId\n          decision\n          confidence\n          quality\n          box {\n            ...BoxFields\n          }\n          proposedStudent {\n            id\n            name\n            externalId\n            faces {\n              id\n              quality\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ReviewDecisionsDocument,
    "\n  query ReviewDecisionImages($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      photos(take: 200) {\n        items {\n          id\n          imageUrl\n        }\n      }\n      reviewQueue(take: 200) {\n        items {\n          id\n          imageUrl\n          proposedStudent {\n            id\n            faces {\n              id\n              imageUrl\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ReviewDecisionImagesDocument,
    "\n  mutation DismissUnknownFaces($sessionId: ID!) {\n    dismissUnknownFaces(sessionId: $sessionId)\n  }\n": types.DismissUnknownFacesDocument,
    "\n  mutation ConfirmFace($faceId: ID!, $studentId: ID) {\n    confirmFace(faceId: $faceId, studentId: $studentId) {\n      id\n      reviewStatus\n      student {\n        id\n        name\n      }\n    }\n  }\n": types.ConfirmFaceDocument,
    "\n  mutation DismissFace($faceId: ID!) {\n    dismissFace(faceId: $faceId) {\n      id\n      reviewStatus\n    }\n  }\n": types.DismissFaceDocument,
    "\n  query SessionSafety($id: ID!) {\n    session(id: $id) {\n      id\n      awaitingReview\n      lastAction {\n        id\n        kind\n        summary\n        createdAt\n      }\n    }\n  }\n": types.SessionSafetyDocument,
    "\n  mutation UndoSessionAction($sessionId: ID!, $actionId: ID) {\n    undoSessionAction(sessionId: $sessionId, actionId: $actionId) {\n      action {\n        id\n        summary\n      }\n      records {\n        ...RecordFields\n      }\n      clearedStudentIds\n    }\n  }\n": types.UndoSessionActionDocument,
    "\n  mutation MarkNotSeenAbsent($sessionId: ID!) {\n    markNotSeenAbsent(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n": types.MarkNotSeenAbsentDocument,
    "\n  query Session($id: ID!) {\n    session(id: $id) {\n      id\n      isOpen\n      openedAt\n      closedAt\n      lateAfter\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        ...RecordFields\n      }\n      reviewQueue(take: 1) {\n        total\n      }\n      photos(take: 100) {\n        total\n        items {\n          ...PhotoFields\n        }\n      }\n    }\n  }\n": types.SessionDocument,
    "\n  query SessionPhotoImages($id: ID!) {\n    session(id: $id) {\n      id\n      photos(take: 100) {\n        items {\n          id\n          imageUrl\n        }\n      }\n    }\n  }\n": types.SessionPhotoImagesDocument,
    "\n  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {\n    submitPhoto(sessionId: $sessionId, photo: $photo) {\n      ...PhotoFields\n    }\n  }\n": types.SubmitPhotoDocument,
    "\n  mutation MarkAttendance($input: MarkAttendanceInput!) {\n    markAttendance(input: $input) {\n      ...RecordFields\n    }\n  }\n": types.MarkAttendanceDocument,
    "\n  mutation CloseSession($sessionId: ID!) {\n    closeSession(sessionId: $sessionId) {\n      id\n      isOpen\n      closedAt\n      records {\n        ...RecordFields\n      }\n    }\n  }\n": types.CloseSessionDocument,
    "\n  subscription AttendanceMarked($sessionId: ID!) {\n    attendanceMarked(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n": types.AttendanceMarkedDocument,
    "\n  subscription PhotoProcessed($sessionId: ID!) {\n    photoProcessed(sessionId: $sessionId) {\n      ...PhotoFields\n    }\n  }\n": types.PhotoProcessedDocument,
    "\n  query StudentHistory($id: ID!) {\n    student(id: $id) {\n      id\n      name\n      faceAdvice {\n        ready\n        message\n      }\n      history {\n        sessionId\n        courseId\n        courseCode\n        openedAt\n        status\n        source\n        note\n        firstSeenAt\n      }\n    }\n  }\n": types.StudentHistoryDocument,
    "\n  query Student($id: ID!) {\n    student(id: $id) {\n      id\n      externalId\n      name\n      email\n      createdAt\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        ...FaceSampleFields\n      }\n    }\n  }\n": types.StudentDocument,
    "\n  query StudentFaceImages($id: ID!) {\n    student(id: $id) {\n      id\n      faces {\n        id\n        imageUrl\n      }\n    }\n  }\n": types.StudentFaceImagesDocument,
    "\n  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {\n    enrollFaces(studentId: $studentId, photos: $photos) {\n      ...FaceSampleFields\n    }\n  }\n": types.EnrollFacesDocument,
    "\n  mutation AssessFace($photo: Upload!) {\n    assessFace(photo: $photo) {\n      ok\n      code\n      message\n      issues\n      quality\n      box {\n        ...BoxFields\n      }\n    }\n  }\n": types.AssessFaceDocument,
    "\n  mutation DeleteFace($id: ID!) {\n    deleteFace(id: $id)\n  }\n": types.DeleteFaceDocument,
    "\n  mutation DeleteStudent($id: ID!) {\n    deleteStudent(id: $id)\n  }\n": types.DeleteStudentDocument,
    "\n  mutation WithdrawConsent($studentId: ID!) {\n    withdrawConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        id\n      }\n    }\n  }\n": types.WithdrawConsentDocument,
    "\n  mutation GiveConsent($studentId: ID!) {\n    giveConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n    }\n  }\n": types.GiveConsentDocument,
    "\n  query StudentDataExport($studentId: ID!) {\n    studentDataExport(studentId: $studentId) {\n      exportedAt\n      student {\n        id\n        externalId\n        name\n        email\n        createdAt\n        consentGivenAt\n        consentRecordedBy\n      }\n      records {\n        id\n        sessionId\n        status\n        source\n        confidence\n        note\n        firstSeenAt\n        updatedAt\n        photoId\n        faceId\n      }\n      faces {\n        id\n        createdAt\n        quality\n        detectionScore\n        source\n        model\n        imageUrl\n        box {\n          ...BoxFields\n        }\n      }\n    }\n  }\n": types.StudentDataExportDocument,
    "\n  query CourseAnalytics($courseId: ID!, $forecastSessions: Int!) {\n    attendanceByCourse(courseId: $courseId) {\n      courseId\n      courseCode\n      courseName\n      sessions\n      present\n      late\n      excused\n      absent\n      attendanceRate\n      punctualityRate\n    }\n    studentsAtRisk(courseId: $courseId) {\n      studentId\n      studentName\n      externalId\n      courseId\n      courseCode\n      sessions\n      attendanceRate\n      absenceStreak\n      reasons\n    }\n    attendanceForecast(courseId: $courseId, sessions: $forecastSessions) {\n      courseId\n      enrolled\n      historySessions\n      method\n      accuracy {\n        method\n        mae\n        mape\n        evaluatedPoints\n        candidates {\n          method\n          mae\n          mape\n          points\n        }\n      }\n      points {\n        step\n        expectedDate\n        expectedRate\n        expectedAttendees\n      }\n    }\n    recognitionQuality(courseId: $courseId, granularity: SESSION) {\n      periodStart\n      sessionId\n      autoMarked\n      reviewConfirmed\n      manuallyCorrected\n      autoShare\n      confirmedShare\n      correctedShare\n      facesAccepted\n      facesReview\n      facesUnknown\n      facesConfirmed\n      facesDismissed\n      facesPending\n    }\n  }\n": types.CourseAnalyticsDocument,
    "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.AuthPayloadFieldsFragmentDoc,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.MeDocument,
    "\n  fragment BoxFields on Box {\n    x\n    y\n    width\n    height\n  }\n": types.BoxFieldsFragmentDoc,
    "\n  fragment FaceSampleFields on FaceSample {\n    id\n    createdAt\n    quality\n    detectionScore\n    source\n    box {\n      ...BoxFields\n    }\n  }\n": types.FaceSampleFieldsFragmentDoc,
    "\n  fragment RecordFields on AttendanceRecord {\n    id\n    sessionId\n    studentId\n    status\n    source\n    confidence\n    note\n    firstSeenAt\n    updatedAt\n    photoId\n    faceId\n  }\n": types.RecordFieldsFragmentDoc,
    "\n  fragment PhotoFields on PhotoAnalysis {\n    id\n    sessionId\n    status\n    submittedAt\n    processedAt\n    width\n    height\n    errorCode\n    errorMessage\n    faces {\n      id\n      decision\n      confidence\n      reviewStatus\n      box {\n        ...BoxFields\n      }\n      student {\n        id\n        name\n        externalId\n      }\n      candidate {\n        id\n        name\n        externalId\n      }\n    }\n  }\n": types.PhotoFieldsFragmentDoc,
    "\n  fragment CourseRosterFields on Course {\n    id\n    code\n    name\n    students(take: 200) {\n      items {\n        id\n        name\n        externalId\n      }\n    }\n  }\n": types.CourseRosterFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users {\n    users {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n"): (typeof documents)["\n  query Users {\n    users {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      email\n      name\n      role\n      createdAt\n      disabledAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    courseId\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    scopes\n    courseId\n    createdAt\n    createdBy\n    lastUsedAt\n    revokedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n    users {\n      id\n      email\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n    users {\n      id\n      email\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {\n    auditLog(skip: $skip, take: $take, targetId: $targetId) {\n      total\n      hasMore\n      items {\n        id\n        at\n        actor\n        actorLabel\n        action\n        targetType\n        targetId\n        details\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {\n    auditLog(skip: $skip, take: $take, targetId: $targetId) {\n      total\n      hasMore\n      items {\n        id\n        at\n        actor\n        actorLabel\n        action\n        targetType\n        targetId\n        details\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseClass($id: ID!) {\n    course(id: $id) {\n      id\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faceAdvice {\n            faces\n            weakFaces\n            ready\n            message\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CourseClass($id: ID!) {\n    course(id: $id) {\n      id\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faceAdvice {\n            faces\n            weakFaces\n            ready\n            message\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportRoster($courseId: ID!, $csv: String!, $dryRun: Boolean) {\n    importRoster(courseId: $courseId, csv: $csv, dryRun: $dryRun) {\n      dryRun\n      created\n      enrolled\n      unchanged\n      skipped\n      rows {\n        line\n        externalId\n        name\n        outcome\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportRoster($courseId: ID!, $csv: String!, $dryRun: Boolean) {\n    importRoster(courseId: $courseId, csv: $csv, dryRun: $dryRun) {\n      dryRun\n      created\n      enrolled\n      unchanged\n      skipped\n      rows {\n        line\n        externalId\n        name\n        outcome\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Course($id: ID!) {\n    course(id: $id) {\n      id\n      code\n      name\n      createdAt\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faces {\n            id\n          }\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            status\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Course($id: ID!) {\n    course(id: $id) {\n      id\n      code\n      name\n      createdAt\n      students(take: 200) {\n        total\n        items {\n          id\n          externalId\n          name\n          email\n          consentGivenAt\n          faces {\n            id\n          }\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            status\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddStudent($input: AddStudentInput!) {\n    addStudent(input: $input) {\n      id\n      externalId\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation AddStudent($input: AddStudentInput!) {\n    addStudent(input: $input) {\n      id\n      externalId\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {\n    startSession(courseId: $courseId, options: $options) {\n      id\n      openedAt\n      lateAfter\n    }\n  }\n"): (typeof documents)["\n  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {\n    startSession(courseId: $courseId, options: $options) {\n      id\n      openedAt\n      lateAfter\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CourseScheduleFields on CourseScheduleType {\n    courseId\n    timezone\n    termStart\n    termEnd\n    slots {\n      id\n      weekday\n      start\n      end\n      lateAfterMinutes\n    }\n  }\n"): (typeof documents)["\n  fragment CourseScheduleFields on CourseScheduleType {\n    courseId\n    timezone\n    termStart\n    termEnd\n    slots {\n      id\n      weekday\n      start\n      end\n      lateAfterMinutes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseSchedule($courseId: ID!) {\n    courseSchedule(courseId: $courseId) {\n      ...CourseScheduleFields\n    }\n  }\n"): (typeof documents)["\n  query CourseSchedule($courseId: ID!) {\n    courseSchedule(courseId: $courseId) {\n      ...CourseScheduleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCourseSchedule($courseId: ID!, $timezone: String!, $slots: [ScheduleSlotInput!]!) {\n    setCourseSchedule(courseId: $courseId, timezone: $timezone, slots: $slots) {\n      ...CourseScheduleFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetCourseSchedule($courseId: ID!, $timezone: String!, $slots: [ScheduleSlotInput!]!) {\n    setCourseSchedule(courseId: $courseId, timezone: $timezone, slots: $slots) {\n      ...CourseScheduleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Courses($skip: Int!, $take: Int!) {\n    courses(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        code\n        name\n        createdAt\n        students(take: 1) {\n          total\n        }\n        sessions(take: 1) {\n          total\n          items {\n            id\n            openedAt\n            isOpen\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Courses($skip: Int!, $take: Int!) {\n    courses(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        code\n        name\n        createdAt\n        students(take: 1) {\n          total\n        }\n        sessions(take: 1) {\n          total\n          items {\n            id\n            openedAt\n            isOpen\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCourse($input: CreateCourseInput!) {\n    createCourse(input: $input) {\n      id\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCourse($input: CreateCourseInput!) {\n    createCourse(input: $input) {\n      id\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OneRosterReportFields on OneRosterReport {\n    summary\n    warnings\n    rowsTruncated\n    files {\n      file\n      rows\n      created\n      updated\n      unchanged\n      removed\n      skipped\n      refused\n    }\n    refused {\n      file\n      line\n      entity\n      sourcedId\n      reason\n      message\n    }\n    rows {\n      file\n      line\n      entity\n      sourcedId\n      action\n      reason\n      message\n    }\n  }\n"): (typeof documents)["\n  fragment OneRosterReportFields on OneRosterReport {\n    summary\n    warnings\n    rowsTruncated\n    files {\n      file\n      rows\n      created\n      updated\n      unchanged\n      removed\n      skipped\n      refused\n    }\n    refused {\n      file\n      line\n      entity\n      sourcedId\n      reason\n      message\n    }\n    rows {\n      file\n      line\n      entity\n      sourcedId\n      action\n      reason\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OneRosterImportFields on OneRosterImportType {\n    id\n    status\n    strict\n    consentColumn\n    progress\n    error\n    createdAt\n    createdBy\n    finishedAt\n    preview {\n      ...OneRosterReportFields\n    }\n    result {\n      ...OneRosterReportFields\n    }\n  }\n"): (typeof documents)["\n  fragment OneRosterImportFields on OneRosterImportType {\n    id\n    status\n    strict\n    consentColumn\n    progress\n    error\n    createdAt\n    createdBy\n    finishedAt\n    preview {\n      ...OneRosterReportFields\n    }\n    result {\n      ...OneRosterReportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadOneRoster($files: [Upload!]!, $strict: Boolean!, $consentColumn: Boolean!) {\n    uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {\n      ...OneRosterImportFields\n    }\n  }\n"): (typeof documents)["\n  mutation UploadOneRoster($files: [Upload!]!, $strict: Boolean!, $consentColumn: Boolean!) {\n    uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {\n      ...OneRosterImportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunOneRosterImport($id: ID!) {\n    runOneRosterImport(id: $id) {\n      id\n      status\n      progress\n    }\n  }\n"): (typeof documents)["\n  mutation RunOneRosterImport($id: ID!) {\n    runOneRosterImport(id: $id) {\n      id\n      status\n      progress\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OneRosterImport($id: ID!) {\n    oneRosterImport(id: $id) {\n      ...OneRosterImportFields\n    }\n  }\n"): (typeof documents)["\n  query OneRosterImport($id: ID!) {\n    oneRosterImport(id: $id) {\n      ...OneRosterImportFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OneRosterImports($skip: Int!, $take: Int!) {\n    oneRosterImports(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        status\n        strict\n        createdAt\n        createdBy\n        finishedAt\n        error\n      }\n    }\n  }\n"): (typeof documents)["\n  query OneRosterImports($skip: Int!, $take: Int!) {\n    oneRosterImports(skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        status\n        strict\n        createdAt\n        createdBy\n        finishedAt\n        error\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OneRosterImportProgress($id: ID!) {\n    oneRosterImportProgress(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription OneRosterImportProgress($id: ID!) {\n    oneRosterImportProgress(id: $id) {\n      id\n      status\n      progress\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    events\n    courseIds\n    active\n    createdAt\n    createdBy\n  }\n"): (typeof documents)["\n  fragment WebhookFields on WebhookSubscription {\n    id\n    url\n    events\n    courseIds\n    active\n    createdAt\n    createdBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n    courses(take: 200) {\n      items {\n        id\n        code\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      subscription {\n        ...WebhookFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      subscription {\n        ...WebhookFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetWebhookActive($id: ID!, $active: Boolean!) {\n    setWebhookActive(id: $id, active: $active) {\n      ...WebhookFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetWebhookActive($id: ID!, $active: Boolean!) {\n    setWebhookActive(id: $id, active: $active) {\n      ...WebhookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($subscriptionId: ID!, $skip: Int!, $take: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        event\n        status\n        attempts\n        createdAt\n        deliveredAt\n        lastAttemptAt\n        lastStatusCode\n        lastError\n        payload\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($subscriptionId: ID!, $skip: Int!, $take: Int!) {\n    webhookDeliveries(subscriptionId: $subscriptionId, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        id\n        event\n        status\n        attempts\n        createdAt\n        deliveredAt\n        lastAttemptAt\n        lastStatusCode\n        lastError\n        payload\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      id\n      status\n      attempts\n      lastAttemptAt\n      lastStatusCode\n      lastError\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayWebhookDelivery($id: ID!) {\n    replayWebhookDelivery(id: $id) {\n      id\n      status\n      attempts\n      lastAttemptAt\n      lastStatusCode\n      lastError\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SystemMetricsFields on SystemMetrics {\n    instanceId\n    at\n    backend\n    workers\n    windowSeconds\n    uptimeSeconds\n    requests\n    errors\n    errorRate\n    requestP95Ms\n    photoLatencyP95Ms\n    photosDone\n    photosFailed\n    queueDepth\n    utilization\n    eventLoopLagP99Ms\n    heapUsedBytes\n    rssBytes\n    activeSubscriptions\n    workerCrashes\n    cacheHitRate\n  }\n"): (typeof documents)["\n  fragment SystemMetricsFields on SystemMetrics {\n    instanceId\n    at\n    backend\n    workers\n    windowSeconds\n    uptimeSeconds\n    requests\n    errors\n    errorRate\n    requestP95Ms\n    photoLatencyP95Ms\n    photosDone\n    photosFailed\n    queueDepth\n    utilization\n    eventLoopLagP99Ms\n    heapUsedBytes\n    rssBytes\n    activeSubscriptions\n    workerCrashes\n    cacheHitRate\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SystemMetrics {\n    systemMetrics {\n      ...SystemMetricsFields\n    }\n  }\n"): (typeof documents)["\n  query SystemMetrics {\n    systemMetrics {\n      ...SystemMetricsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MetricsUpdated {\n    metricsUpdated {\n      ...SystemMetricsFields\n    }\n  }\n"): (typeof documents)["\n  subscription MetricsUpdated {\n    metricsUpdated {\n      ...SystemMetricsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertFields on Alert {\n    id\n    rule\n    severity\n    state\n    summary\n    subject\n    value\n    threshold\n    startedAt\n    resolvedAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment AlertFields on Alert {\n    id\n    rule\n    severity\n    state\n    summary\n    subject\n    value\n    threshold\n    startedAt\n    resolvedAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($state: AlertState, $skip: Int!, $take: Int!) {\n    alerts(state: $state, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        ...AlertFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Alerts($state: AlertState, $skip: Int!, $take: Int!) {\n    alerts(state: $state, skip: $skip, take: $take) {\n      total\n      hasMore\n      items {\n        ...AlertFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertChanged {\n    alertChanged {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  subscription AlertChanged {\n    alertChanged {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Report($courseId: ID!) {\n    course(id: $courseId) {\n      id\n      code\n      name\n      students(take: 200) {\n        items {\n          id\n          name\n          externalId\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            studentId\n            status\n            source\n            confidence\n            note\n            firstSeenAt\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Report($courseId: ID!) {\n    course(id: $courseId) {\n      id\n      code\n      name\n      students(take: 200) {\n        items {\n          id\n          name\n          externalId\n        }\n      }\n      sessions(take: 200) {\n        total\n        items {\n          id\n          openedAt\n          closedAt\n          isOpen\n          records {\n            id\n            studentId\n            status\n            source\n            confidence\n            note\n            firstSeenAt\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewDecisions($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      isOpen\n      openedAt\n      awaitingReview\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        id\n        studentId\n        status\n        source\n      }\n      photos(take: 200) {\n        items {\n          id\n          width\n          height\n        }\n      }\n      reviewQueue(take: 200) {\n        total\n        items {\n          id\n          photoId\n          decision\n          confidence\n          quality\n          box {\n            ...BoxFields\n          }\n          proposedStudent {\n            id\n            name\n            externalId\n            faces {\n              id\n              quality\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewDecisions($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      isOpen\n      openedAt\n      awaitingReview\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        id\n        studentId\n        status\n        source\n      }\n      photos(take: 200) {\n        items {\n          id\n          width\n          height\n        }\n      }\n      reviewQueue(take: 200) {\n        total\n        items {\n          id\n          photoId\n          decision\n          confidence\n          quality\n          box {\n            ...BoxFields\n          }\n          proposedStudent {\n            id\n            name\n            externalId\n            faces {\n              id\n              quality\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewDecisionImages($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      photos(take: 200) {\n        items {\n          id\n          imageUrl\n        }\n      }\n      reviewQueue(take: 200) {\n        items {\n          id\n          imageUrl\n          proposedStudent {\n            id\n            faces {\n              id\n              imageUrl\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReviewDecisionImages($sessionId: ID!) {\n    session(id: $sessionId) {\n      id\n      photos(take: 200) {\n        items {\n          id\n          imageUrl\n        }\n      }\n      reviewQueue(take: 200) {\n        items {\n          id\n          imageUrl\n          proposedStudent {\n            id\n            faces {\n              id\n              imageUrl\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DismissUnknownFaces($sessionId: ID!) {\n    dismissUnknownFaces(sessionId: $sessionId)\n  }\n"): (typeof documents)["\n  mutation DismissUnknownFaces($sessionId: ID!) {\n    dismissUnknownFaces(sessionId: $sessionId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmFace($faceId: ID!, $studentId: ID) {\n    confirmFace(faceId: $faceId, studentId: $studentId) {\n      id\n      reviewStatus\n      student {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmFace($faceId: ID!, $studentId: ID) {\n    confirmFace(faceId: $faceId, studentId: $studentId) {\n      id\n      reviewStatus\n      student {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DismissFace($faceId: ID!) {\n    dismissFace(faceId: $faceId) {\n      id\n      reviewStatus\n    }\n  }\n"): (typeof documents)["\n  mutation DismissFace($faceId: ID!) {\n    dismissFace(faceId: $faceId) {\n      id\n      reviewStatus\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionSafety($id: ID!) {\n    session(id: $id) {\n      id\n      awaitingReview\n      lastAction {\n        id\n        kind\n        summary\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionSafety($id: ID!) {\n    session(id: $id) {\n      id\n      awaitingReview\n      lastAction {\n        id\n        kind\n        summary\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UndoSessionAction($sessionId: ID!, $actionId: ID) {\n    undoSessionAction(sessionId: $sessionId, actionId: $actionId) {\n      action {\n        id\n        summary\n      }\n      records {\n        ...RecordFields\n      }\n      clearedStudentIds\n    }\n  }\n"): (typeof documents)["\n  mutation UndoSessionAction($sessionId: ID!, $actionId: ID) {\n    undoSessionAction(sessionId: $sessionId, actionId: $actionId) {\n      action {\n        id\n        summary\n      }\n      records {\n        ...RecordFields\n      }\n      clearedStudentIds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotSeenAbsent($sessionId: ID!) {\n    markNotSeenAbsent(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n"): (typeof documents)["\n  mutation MarkNotSeenAbsent($sessionId: ID!) {\n    markNotSeenAbsent(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session($id: ID!) {\n    session(id: $id) {\n      id\n      isOpen\n      openedAt\n      closedAt\n      lateAfter\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        ...RecordFields\n      }\n      reviewQueue(take: 1) {\n        total\n      }\n      photos(take: 100) {\n        total\n        items {\n          ...PhotoFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Session($id: ID!) {\n    session(id: $id) {\n      id\n      isOpen\n      openedAt\n      closedAt\n      lateAfter\n      course {\n        ...CourseRosterFields\n      }\n      records {\n        ...RecordFields\n      }\n      reviewQueue(take: 1) {\n        total\n      }\n      photos(take: 100) {\n        total\n        items {\n          ...PhotoFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionPhotoImages($id: ID!) {\n    session(id: $id) {\n      id\n      photos(take: 100) {\n        items {\n          id\n          imageUrl\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionPhotoImages($id: ID!) {\n    session(id: $id) {\n      id\n      photos(take: 100) {\n        items {\n          id\n          imageUrl\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {\n    submitPhoto(sessionId: $sessionId, photo: $photo) {\n      ...PhotoFields\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {\n    submitPhoto(sessionId: $sessionId, photo: $photo) {\n      ...PhotoFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkAttendance($input: MarkAttendanceInput!) {\n    markAttendance(input: $input) {\n      ...RecordFields\n    }\n  }\n"): (typeof documents)["\n  mutation MarkAttendance($input: MarkAttendanceInput!) {\n    markAttendance(input: $input) {\n      ...RecordFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CloseSession($sessionId: ID!) {\n    closeSession(sessionId: $sessionId) {\n      id\n      isOpen\n      closedAt\n      records {\n        ...RecordFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CloseSession($sessionId: ID!) {\n    closeSession(sessionId: $sessionId) {\n      id\n      isOpen\n      closedAt\n      records {\n        ...RecordFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AttendanceMarked($sessionId: ID!) {\n    attendanceMarked(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n"): (typeof documents)["\n  subscription AttendanceMarked($sessionId: ID!) {\n    attendanceMarked(sessionId: $sessionId) {\n      ...RecordFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PhotoProcessed($sessionId: ID!) {\n    photoProcessed(sessionId: $sessionId) {\n      ...PhotoFields\n    }\n  }\n"): (typeof documents)["\n  subscription PhotoProcessed($sessionId: ID!) {\n    photoProcessed(sessionId: $sessionId) {\n      ...PhotoFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudentHistory($id: ID!) {\n    student(id: $id) {\n      id\n      name\n      faceAdvice {\n        ready\n        message\n      }\n      history {\n        sessionId\n        courseId\n        courseCode\n        openedAt\n        status\n        source\n        note\n        firstSeenAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudentHistory($id: ID!) {\n    student(id: $id) {\n      id\n      name\n      faceAdvice {\n        ready\n        message\n      }\n      history {\n        sessionId\n        courseId\n        courseCode\n        openedAt\n        status\n        source\n        note\n        firstSeenAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Student($id: ID!) {\n    student(id: $id) {\n      id\n      externalId\n      name\n      email\n      createdAt\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        ...FaceSampleFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Student($id: ID!) {\n    student(id: $id) {\n      id\n      externalId\n      name\n      email\n      createdAt\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        ...FaceSampleFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudentFaceImages($id: ID!) {\n    student(id: $id) {\n      id\n      faces {\n        id\n        imageUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudentFaceImages($id: ID!) {\n    student(id: $id) {\n      id\n      faces {\n        id\n        imageUrl\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {\n    enrollFaces(studentId: $studentId, photos: $photos) {\n      ...FaceSampleFields\n    }\n  }\n"): (typeof documents)["\n  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {\n    enrollFaces(studentId: $studentId, photos: $photos) {\n      ...FaceSampleFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssessFace($photo: Upload!) {\n    assessFace(photo: $photo) {\n      ok\n      code\n      message\n      issues\n      quality\n      box {\n        ...BoxFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AssessFace($photo: Upload!) {\n    assessFace(photo: $photo) {\n      ok\n      code\n      message\n      issues\n      quality\n      box {\n        ...BoxFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFace($id: ID!) {\n    deleteFace(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteFace($id: ID!) {\n    deleteFace(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteStudent($id: ID!) {\n    deleteStudent(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteStudent($id: ID!) {\n    deleteStudent(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawConsent($studentId: ID!) {\n    withdrawConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation WithdrawConsent($studentId: ID!) {\n    withdrawConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n      faces {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GiveConsent($studentId: ID!) {\n    giveConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n    }\n  }\n"): (typeof documents)["\n  mutation GiveConsent($studentId: ID!) {\n    giveConsent(studentId: $studentId) {\n      id\n      consentGivenAt\n      consentRecordedBy\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudentDataExport($studentId: ID!) {\n    studentDataExport(studentId: $studentId) {\n      exportedAt\n      student {\n        id\n        externalId\n        name\n        email\n        createdAt\n        consentGivenAt\n        consentRecordedBy\n      }\n      records {\n        id\n        sessionId\n        status\n        source\n        confidence\n        note\n        firstSeenAt\n        updatedAt\n        photoId\n        faceId\n      }\n      faces {\n        id\n        createdAt\n        quality\n        detectionScore\n        source\n        model\n        imageUrl\n        box {\n          ...BoxFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudentDataExport($studentId: ID!) {\n    studentDataExport(studentId: $studentId) {\n      exportedAt\n      student {\n        id\n        externalId\n        name\n        email\n        createdAt\n        consentGivenAt\n        consentRecordedBy\n      }\n      records {\n        id\n        sessionId\n        status\n        source\n        confidence\n        note\n        firstSeenAt\n        updatedAt\n        photoId\n        faceId\n      }\n      faces {\n        id\n        createdAt\n        quality\n        detectionScore\n        source\n        model\n        imageUrl\n        box {\n          ...BoxFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseAnalytics($courseId: ID!, $forecastSessions: Int!) {\n    attendanceByCourse(courseId: $courseId) {\n      courseId\n      courseCode\n      courseName\n      sessions\n      present\n      late\n      excused\n      absent\n      attendanceRate\n      punctualityRate\n    }\n    studentsAtRisk(courseId: $courseId) {\n      studentId\n      studentName\n      externalId\n      courseId\n      courseCode\n      sessions\n      attendanceRate\n      absenceStreak\n      reasons\n    }\n    attendanceForecast(courseId: $courseId, sessions: $forecastSessions) {\n      courseId\n      enrolled\n      historySessions\n      method\n      accuracy {\n        method\n        mae\n        mape\n        evaluatedPoints\n        candidates {\n          method\n          mae\n          mape\n          points\n        }\n      }\n      points {\n        step\n        expectedDate\n        expectedRate\n        expectedAttendees\n      }\n    }\n    recognitionQuality(courseId: $courseId, granularity: SESSION) {\n      periodStart\n      sessionId\n      autoMarked\n      reviewConfirmed\n      manuallyCorrected\n      autoShare\n      confirmedShare\n      correctedShare\n      facesAccepted\n      facesReview\n      facesUnknown\n      facesConfirmed\n      facesDismissed\n      facesPending\n    }\n  }\n"): (typeof documents)["\n  query CourseAnalytics($courseId: ID!, $forecastSessions: Int!) {\n    attendanceByCourse(courseId: $courseId) {\n      courseId\n      courseCode\n      courseName\n      sessions\n      present\n      late\n      excused\n      absent\n      attendanceRate\n      punctualityRate\n    }\n    studentsAtRisk(courseId: $courseId) {\n      studentId\n      studentName\n      externalId\n      courseId\n      courseCode\n      sessions\n      attendanceRate\n      absenceStreak\n      reasons\n    }\n    attendanceForecast(courseId: $courseId, sessions: $forecastSessions) {\n      courseId\n      enrolled\n      historySessions\n      method\n      accuracy {\n        method\n        mae\n        mape\n        evaluatedPoints\n        candidates {\n          method\n          mae\n          mape\n          points\n        }\n      }\n      points {\n        step\n        expectedDate\n        expectedRate\n        expectedAttendees\n      }\n    }\n    recognitionQuality(courseId: $courseId, granularity: SESSION) {\n      periodStart\n      sessionId\n      autoMarked\n      reviewConfirmed\n      manuallyCorrected\n      autoShare\n      confirmedShare\n      correctedShare\n      facesAccepted\n      facesReview\n      facesUnknown\n      facesConfirmed\n      facesDismissed\n      facesPending\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  fragment AuthPayloadFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresAt\n    user {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...AuthPayloadFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BoxFields on Box {\n    x\n    y\n    width\n    height\n  }\n"): (typeof documents)["\n  fragment BoxFields on Box {\n    x\n    y\n    width\n    height\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FaceSampleFields on FaceSample {\n    id\n    createdAt\n    quality\n    detectionScore\n    source\n    box {\n      ...BoxFields\n    }\n  }\n"): (typeof documents)["\n  fragment FaceSampleFields on FaceSample {\n    id\n    createdAt\n    quality\n    detectionScore\n    source\n    box {\n      ...BoxFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RecordFields on AttendanceRecord {\n    id\n    sessionId\n    studentId\n    status\n    source\n    confidence\n    note\n    firstSeenAt\n    updatedAt\n    photoId\n    faceId\n  }\n"): (typeof documents)["\n  fragment RecordFields on AttendanceRecord {\n    id\n    sessionId\n    studentId\n    status\n    source\n    confidence\n    note\n    firstSeenAt\n    updatedAt\n    photoId\n    faceId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PhotoFields on PhotoAnalysis {\n    id\n    sessionId\n    status\n    submittedAt\n    processedAt\n    width\n    height\n    errorCode\n    errorMessage\n    faces {\n      id\n      decision\n      confidence\n      reviewStatus\n      box {\n        ...BoxFields\n      }\n      student {\n        id\n        name\n        externalId\n      }\n      candidate {\n        id\n        name\n        externalId\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment PhotoFields on PhotoAnalysis {\n    id\n    sessionId\n    status\n    submittedAt\n    processedAt\n    width\n    height\n    errorCode\n    errorMessage\n    faces {\n      id\n      decision\n      confidence\n      reviewStatus\n      box {\n        ...BoxFields\n      }\n      student {\n        id\n        name\n        externalId\n      }\n      candidate {\n        id\n        name\n        externalId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CourseRosterFields on Course {\n    id\n    code\n    name\n    students(take: 200) {\n      items {\n        id\n        name\n        externalId\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CourseRosterFields on Course {\n    id\n    code\n    name\n    students(take: 200) {\n      items {\n        id\n        name\n        externalId\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;