import { graphql } from '@/gql';

// What the dashboard asks the server about its optional parts (see capabilities.ts).

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
