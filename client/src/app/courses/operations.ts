import { graphql } from '@/gql';

// The courses list: the viewer's courses and creating one.

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
