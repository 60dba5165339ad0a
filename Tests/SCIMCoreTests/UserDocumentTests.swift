import SCIMCore
import Testing

private let coreSchemas = #""schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]"#

struct UserDocumentTests {
    private func parse(_ text: String) throws(SCIMError) -> UserDocument {
        try UserDocument.parse(bytes(text))
    }

    private func kind(_ body: [UInt8]) -> SCIMError.Kind? {
        thrownError { () throws(SCIMError) in try UserDocument.parse(body) }?.scimType
    }

    @Test("Postman's PUT example body parses")
    func seedBody() throws {
        let document = try parse(
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","#
                + #""name":{"givenName":"Test","familyName":"User"},"externalId":"23123123","locale":"en-US","#
                + #""groups":[],"active":true}"#)

        #expect(document.userName == "test.user@okta.local")
        #expect(document.hasName)
        #expect(document.givenName == "Test")
        #expect(document.familyName == "User")
        #expect(document.hasExternalID)
        #expect(document.externalID == "23123123")
        #expect(document.active == true)
        #expect(document.otherAttributes["locale"] == .string("en-US"))
    }

    @Test("password is kept only on request, and never among the other attributes")
    func passwordKeptOnRequest() throws {
        let body = bytes(#"{\#(coreSchemas),"userName":"a@b.test","password":"t0p-Secret"}"#)

        let dropped = try UserDocument.parse(body)
        let kept = try UserDocument.parse(body, keepsPassword: true)

        #expect(!dropped.hasPassword)
        #expect(dropped.password == nil)
        #expect(kept.hasPassword)
        #expect(kept.password == "t0p-Secret")
        #expect(kept.otherAttributes["password"] == nil)
    }

    @Test("A kept password must be a string; a dropped one is not checked")
    func passwordType() throws {
        let body = bytes(#"{\#(coreSchemas),"userName":"a@b.test","password":12345}"#)

        let error = thrownError { () throws(SCIMError) in try UserDocument.parse(body, keepsPassword: true) }

        #expect(error?.scimType == .invalidValue)
        #expect(try UserDocument.parse(body).password == nil)
    }

    @Test("A read-only sub-attribute in a body is dropped")
    func readOnlySubAttributeDropped() throws {
        let document = try parse(
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","#
                + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"a@b.test","#
                + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m","displayName":"B"}}}"#
        )

        let enterprise = document.otherAttributes["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(enterprise?.objectValue?["manager"]?.objectValue?.members.map(\.key) == ["value"])
    }

    @Test("Partial body leaves absent attributes unset")
    func partialBody() throws {
        let document = try parse(#"{\#(coreSchemas),"name":{"givenName":"Taylor"}}"#)

        #expect(document.userName == nil)
        #expect(document.active == nil)
        #expect(!document.hasExternalID)
        #expect(document.familyName == nil)
    }

    @Test(
        "Bodies that are not a JSON object throw invalidSyntax",
        arguments: [
            bytes(""), bytes("not json"), bytes("[]"), bytes("\"user\""), bytes("null"), bytes("{"),
            [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], bytes("{\(coreSchemas),\"userName\":\"a@b.co\"} x"),
            bytes(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)),
        ])
    func notAnObject(body: [UInt8]) {
        #expect(kind(body) == .invalidSyntax)
    }

    @Test(
        "Wrong types, schemas and attributes throw invalidValue",
        arguments: [
            #"{\#(coreSchemas),"name":"x"}"#,
            #"{\#(coreSchemas),"active":3}"#,
            #"{\#(coreSchemas),"active":"maybe"}"#,
            #"{\#(coreSchemas),"userName":42}"#,
            #"{\#(coreSchemas),"userName":null}"#,
            #"{\#(coreSchemas),"name":{"givenName":1}}"#,
            #"{\#(coreSchemas),"name":{"nickName":"x"}}"#,
            #"{\#(coreSchemas),"emails":"a@b.co"}"#,
            #"{\#(coreSchemas),"favouriteColour":"blue"}"#,
            #"{"userName":"a@b.co"}"#,
            #"{"schemas":[],"userName":"a@b.co"}"#,
            #"{"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","userName":"a@b.co"}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a@b.co"}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:x"],"userName":"a@b.co"}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"a@b.co"}"#,
        ])
    func invalidValue(body: String) {
        #expect(kind(bytes(body)) == .invalidValue, "\(body)")
    }

    @Test("Okta's create body with password and groups is accepted")
    func oktaBody() throws {
        let document = try parse(
            #"{\#(coreSchemas),"userName":"alice@example.com","name":{"givenName":"Alice","familyName":"Example"},"#
                + #""emails":[{"primary":true,"value":"alice@example.com","type":"work"}],"displayName":"Alice Example","#
                + #""locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}"#
        )

        #expect(document.userName == "alice@example.com")
        #expect(document.otherAttributes["password"] == nil)
        #expect(document.otherAttributes["groups"] == nil)
        #expect(document.otherAttributes["emails"] != nil)
    }

    @Test("Entra ID's create body with meta, roles and the enterprise extension is accepted")
    func entraBody() throws {
        let document = try parse(
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","#
                + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"#
                + #""externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"alice@example.com","active":true,"#
                + #""emails":[{"primary":true,"type":"work","value":"alice@example.com"}],"meta":{"resourceType":"User"},"#
                + #""name":{"formatted":"Alice Example","familyName":"Example","givenName":"Alice"},"roles":[],"#
                + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1042"}}"#)

        #expect(document.givenName == "Alice")
        #expect(document.otherAttributes["meta"] == nil)
        #expect(document.otherAttributes["name"] == .object(JSONObject([("formatted", .string("Alice Example"))])))
        #expect(document.otherAttributes["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] != nil)
    }

    @Test("Okta's PUT echo with id and full meta is accepted")
    func oktaPutEcho() throws {
        let document = try parse(
            #"{\#(coreSchemas),"id":"405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99","userName":"a@example.com","#
                + #""meta":{"resourceType":"User","created":"2021-02-22T04:24:13.000Z","#
                + #""lastModified":"2021-02-22T04:24:13.000Z"},"groups":[],"active":false}"#)

        #expect(document.active == false)
        #expect(document.otherAttributes["id"] == nil)
    }

    @Test("Postman's create body with groups as names is accepted")
    func postmanGroupNames() throws {
        let document = try parse(#"{\#(coreSchemas),"userName":"a@example.com","groups":["Test Group"]}"#)

        #expect(document.userName == "a@example.com")
    }

    @Test("Attribute names match in any case")
    func caseInsensitiveNames() throws {
        let document = try parse(
            #"{"SCHEMAS":["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],"USERNAME":"a@example.com","Active":"False"}"#)

        #expect(document.userName == "a@example.com")
        #expect(document.active == false)
    }

    @Test("Null values count as absent")
    func nullValues() throws {
        let document = try parse(#"{\#(coreSchemas),"active":null,"externalId":null,"nickName":null}"#)

        #expect(document.active == nil)
        #expect(document.externalID == nil)
        #expect(document.otherAttributes["nickName"] == nil)
    }
}
