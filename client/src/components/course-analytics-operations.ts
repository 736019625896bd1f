import { graphql } from '@/gql';

// The course analytics panel (CourseAnalytics.tsx).

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
