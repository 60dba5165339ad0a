import SCIMCore
import Testing

struct SCIMErrorResponseTests {
    @Test("RFC 7644 §3.12: body members come as schemas, scimType, detail, status")
    func memberOrderWithScimType() throws {
        let body = try #require(SCIMError.invalidFilter("Bad filter.").body.objectValue)

        #expect(body.members.map(\.key) == ["schemas", "scimType", "detail", "status"])
        #expect(body["schemas"] == .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]))
        #expect(body["scimType"] == .string("invalidFilter"))
        #expect(body["status"] == .string("400"))
    }

    @Test("Body without scimType leaves the member out")
    func memberOrderWithoutScimType() throws {
        let body = try #require(SCIMError.notFound("Gone.").body.objectValue)

        #expect(body.members.map(\.key) == ["schemas", "detail", "status"])
        #expect(body["status"] == .string("404"))
    }

    @Test("Postman 400 body serialises byte for byte")
    func postmanInvalidPayloadBytes() {
        let error = ErrorCatalogue(profile: .postman).invalidPayload(.invalidValue("x"))
        let expected =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidSyntax","#
            + #""detail":"The request body seems to be incomplete or have unsupported characters.","status":"400"}"#

        #expect(String(decoding: JSONWriter.encode(error.body), as: UTF8.self) == expected)
    }

    @Test("Postman 429 body writes status as a number")
    func postman429Bytes() {
        let error = ErrorCatalogue(profile: .postman).rateLimited(limit: 180, retryAfterSeconds: 3)
        let expected =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"#
            + "\"detail\":\"That\u{2019}s 180 attempts in less than a minute. Wait for a minute and then try again.\","
            + #""status":429}"#

        #expect(String(decoding: JSONWriter.encode(error.body), as: UTF8.self) == expected)
    }

    @Test("Body never contains the underlying cause")
    func underlyingIsNotSerialised() {
        let error = ErrorCatalogue(profile: .postman).internalFailure(
            .replaceUser, requestID: "r", underlying: "SQLITE_BUSY secret-path")
        let text = String(decoding: JSONWriter.encode(error.body), as: UTF8.self)

        #expect(!text.contains("SQLITE_BUSY"))
        #expect(!text.contains("underlying"))
        #expect(text.hasSuffix(#""status":"500"}"#))
    }
}
