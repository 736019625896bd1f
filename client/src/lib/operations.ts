import { graphql } from '@/gql';

// Every operation the dashboard sends. `npm run codegen` turns them into typed documents in src/gql.
// Image URLs are fetched by their own small queries (signed, short-lived: refetched when needed, and
// left out when an older server lacks them; see capabilities.ts).

export const CapabilitiesQuery = graphql(`
  query Capabilities {
    queryType: __type(name: "Query") {
      fields {
        name
      }
    }
    mutationType: __type(name: "Mutation") {
      fields {
        name
      }
    }
    photoType: __type(name: "PhotoAnalysis") {
      fields {
        name
      }
    }
    sampleType: __type(name: "FaceSample") {
      fields {
        name
      }
    }
    faceType: __type(name: "PhotoFace") {
      fields {
        name
      }
    }
  }
`);

export const AuthPayloadFields = graphql(`
  fragment AuthPayloadFields on AuthPayload {
    accessToken
    refreshToken
    expiresAt
    user {
      id
      email
      name
      role
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...AuthPayloadFields
    }
  }
`);

export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...AuthPayloadFields
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      name
      role
    }
  }
`);

export const BoxFields = graphql(`
  fragment BoxFields on Box {
    x
    y
    width
    height
  }
`);

export const CoursesQuery = graphql(`
  query Courses($skip: Int!, $take: Int!) {
    courses(skip: $skip, take: $take) {
      total
      hasMore
      items {
        id
        code
        name
        createdAt
        students(take: 1) {
          total
        }
        sessions(take: 1) {
          total
          items {
            id
            openedAt
            isOpen
          }
        }
      }
    }
  }
`);

export const CreateCourseMutation = graphql(`
  mutation CreateCourse($input: CreateCourseInput!) {
    createCourse(input: $input) {
      id
      code
      name
    }
  }
`);

export const CourseQuery = graphql(`
  query Course($id: ID!) {
    course(id: $id) {
      id
      code
      name
      createdAt
      students(take: 200) {
        total
        items {
          id
          externalId
          name
          email
          consentGivenAt
          faces {
            id
          }
        }
      }
      sessions(take: 200) {
        total
        items {
          id
          openedAt
          closedAt
          isOpen
          records {
            id
            status
          }
        }
      }
    }
  }
`);

export const AddStudentMutation = graphql(`
  mutation AddStudent($input: AddStudentInput!) {
    addStudent(input: $input) {
      id
      externalId
      name
    }
  }
`);

export const StartSessionMutation = graphql(`
  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {
    startSession(courseId: $courseId, options: $options) {
      id
      openedAt
      lateAfter
    }
  }
`);

export const FaceSampleFields = graphql(`
  fragment FaceSampleFields on FaceSample {
    id
    createdAt
    quality
    detectionScore
    source
    box {
      ...BoxFields
    }
  }
`);

export const StudentQuery = graphql(`
  query Student($id: ID!) {
    student(id: $id) {
      id
      externalId
      name
      email
      createdAt
      consentGivenAt
      consentRecordedBy
      faces {
        ...FaceSampleFields
      }
    }
  }
`);

export const StudentFaceImagesQuery = graphql(`
  query StudentFaceImages($id: ID!) {
    student(id: $id) {
      id
      faces {
        id
        imageUrl
      }
    }
  }
`);

export const EnrollFacesMutation = graphql(`
  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {
    enrollFaces(studentId: $studentId, photos: $photos) {
      ...FaceSampleFields
    }
  }
`);

export const AssessFaceMutation = graphql(`
  mutation AssessFace($photo: Upload!) {
    assessFace(photo: $photo) {
      ok
      code
      message
      issues
      quality
      box {
        ...BoxFields
      }
    }
  }
`);

export const DeleteFaceMutation = graphql(`
  mutation DeleteFace($id: ID!) {
    deleteFace(id: $id)
  }
`);

export const DeleteStudentMutation = graphql(`
  mutation DeleteStudent($id: ID!) {
    deleteStudent(id: $id)
  }
`);

export const RecordFields = graphql(`
  fragment RecordFields on AttendanceRecord {
    id
    sessionId
    studentId
    status
    source
    confidence
    note
    firstSeenAt
    updatedAt
    photoId
    faceId
  }
`);

export const PhotoFields = graphql(`
  fragment PhotoFields on PhotoAnalysis {
    id
    sessionId
    status
    submittedAt
    processedAt
    width
    height
    errorCode
    errorMessage
    faces {
      id
      decision
      confidence
      reviewStatus
      box {
        ...BoxFields
      }
      student {
        id
        name
        externalId
      }
      candidate {
        id
        name
        externalId
      }
    }
  }
`);

export const SessionQuery = graphql(`
  query Session($id: ID!) {
    session(id: $id) {
      id
      isOpen
      openedAt
      closedAt
      lateAfter
      course {
        id
        code
        name
        students(take: 200) {
          items {
            id
            name
            externalId
          }
        }
      }
      records {
        ...RecordFields
      }
      reviewQueue(take: 1) {
        total
      }
      photos(take: 100) {
        total
        items {
          ...PhotoFields
        }
      }
    }
  }
`);

export const SessionPhotoImagesQuery = graphql(`
  query SessionPhotoImages($id: ID!) {
    session(id: $id) {
      id
      photos(take: 100) {
        items {
          id
          imageUrl
        }
      }
    }
  }
`);

export const SubmitPhotoMutation = graphql(`
  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {
    submitPhoto(sessionId: $sessionId, photo: $photo) {
      ...PhotoFields
    }
  }
`);

export const MarkAttendanceMutation = graphql(`
  mutation MarkAttendance($input: MarkAttendanceInput!) {
    markAttendance(input: $input) {
      ...RecordFields
    }
  }
`);

export const CloseSessionMutation = graphql(`
  mutation CloseSession($sessionId: ID!) {
    closeSession(sessionId: $sessionId) {
      id
      isOpen
      closedAt
      records {
        ...RecordFields
      }
    }
  }
`);

export const AttendanceMarkedSubscription = graphql(`
  subscription AttendanceMarked($sessionId: ID!) {
    attendanceMarked(sessionId: $sessionId) {
      ...RecordFields
    }
  }
`);

export const PhotoProcessedSubscription = graphql(`
  subscription PhotoProcessed($sessionId: ID!) {
    photoProcessed(sessionId: $sessionId) {
      ...PhotoFields
    }
  }
`);

export const ConfirmFaceMutation = graphql(`
  mutation ConfirmFace($faceId: ID!, $studentId: ID) {
    confirmFace(faceId: $faceId, studentId: $studentId) {
      id
      reviewStatus
      student {
        id
        name
      }
    }
  }
`);

export const DismissFaceMutation = graphql(`
  mutation DismissFace($faceId: ID!) {
    dismissFace(faceId: $faceId) {
      id
      reviewStatus
    }
  }
`);

export const ReportQuery = graphql(`
  query Report($courseId: ID!) {
    course(id: $courseId) {
      id
      code
      name
      students(take: 200) {
        items {
          id
          name
          externalId
        }
      }
      sessions(take: 200) {
        total
        items {
          id
          openedAt
          closedAt
          isOpen
          records {
            id
            studentId
            status
            source
            confidence
            note
            firstSeenAt
          }
        }
      }
    }
  }
`);

// Consent and subject-access requests (student page).

export const WithdrawConsentMutation = graphql(`
  mutation WithdrawConsent($studentId: ID!) {
    withdrawConsent(studentId: $studentId) {
      id
      consentGivenAt
      consentRecordedBy
      faces {
        id
      }
    }
  }
`);

export const GiveConsentMutation = graphql(`
  mutation GiveConsent($studentId: ID!) {
    giveConsent(studentId: $studentId) {
      id
      consentGivenAt
      consentRecordedBy
    }
  }
`);

export const StudentDataExportQuery = graphql(`
  query StudentDataExport($studentId: ID!) {
    studentDataExport(studentId: $studentId) {
      exportedAt
      student {
        id
        externalId
        name
        email
        createdAt
        consentGivenAt
        consentRecordedBy
      }
      records {
        id
        sessionId
        status
        source
        confidence
        note
        firstSeenAt
        updatedAt
        photoId
        faceId
      }
      faces {
        id
        createdAt
        quality
        detectionScore
        source
        model
        imageUrl
        box {
          ...BoxFields
        }
      }
    }
  }
`);

// Course analytics (reports page).

export const CourseAnalyticsQuery = graphql(`
  query CourseAnalytics($courseId: ID!, $forecastSessions: Int!) {
    attendanceByCourse(courseId: $courseId) {
      courseId
      courseCode
      courseName
      sessions
      present
      late
      excused
      absent
      attendanceRate
      punctualityRate
    }
    studentsAtRisk(courseId: $courseId) {
      studentId
      studentName
      externalId
      courseId
      courseCode
      sessions
      attendanceRate
      absenceStreak
      reasons
    }
    attendanceForecast(courseId: $courseId, sessions: $forecastSessions) {
      courseId
      enrolled
      historySessions
      method
      accuracy {
        method
        mae
        mape
        evaluatedPoints
        candidates {
          method
          mae
          mape
          points
        }
      }
      points {
        step
        expectedDate
        expectedRate
        expectedAttendees
      }
    }
    recognitionQuality(courseId: $courseId, granularity: SESSION) {
      periodStart
      sessionId
      autoMarked
      reviewConfirmed
      manuallyCorrected
      autoShare
      confirmedShare
      correctedShare
      facesAccepted
      facesReview
      facesUnknown
      facesConfirmed
      facesDismissed
      facesPending
    }
  }
`);

// Monitoring (admins).

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

// Administration (admins): users, integration keys, audit log.

export const UsersQuery = graphql(`
  query Users {
    users {
      id
      email
      name
      role
      createdAt
      disabledAt
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      email
      name
      role
      createdAt
      disabledAt
    }
  }
`);

export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    scopes
    courseId
    createdAt
    createdBy
    lastUsedAt
    revokedAt
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyFields
    }
    users {
      id
      email
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

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {
    auditLog(skip: $skip, take: $take, targetId: $targetId) {
      total
      hasMore
      items {
        id
        at
        actor
        actorLabel
        action
        targetType
        targetId
        details
      }
    }
  }
`);
