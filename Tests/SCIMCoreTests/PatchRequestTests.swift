import SCIMCore
import Testing

/// The `schemas` member of every PATCH body.
private let schema = #""schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#

struct PatchRequestTests {
    private func parse(_ operations: String) throws(SCIMError) -> PatchRequest {
        try PatchRequest.parse(bytes("{\(schema),\"Operations\":[\(operations)]}"))
    }

    private func kind(of body: String) -> SCIMError.Kind? {
        thrownError { () throws(SCIMError) in try PatchRequest.parse(bytes(body)) }?.scimType
    }

    @Test(
        "RFC 7644 §3.5.2: op matches in any case",
        arguments: ["add", "Add", "ADD", "replace", "Replace", "REMOVE", "remove"])
    func opInAnyCase(op: String) throws {
        let request = try parse(#"{"op":"\#(op)","path":"nickName","value":"x"}"#)

        #expect(request.operations.first?.kind.rawValue == op.lowercased())
    }

    @Test("RFC 7644 §3.5.2: operations keep their order, path and value")
    func operationsInOrder() throws {
        let request = try parse(
            #"{"op":"Replace","path":"name.familyName","value":"Lee"},{"op":"add","value":{"active":false}},"#
                + #"{"op":"remove","path":"externalId"}"#)

        #expect(request.operations.map(\.kind) == [.replace, .add, .remove])
        #expect(request.operations[0].path?.attribute == AttributePath(name: "name", subAttribute: "familyName"))
        #expect(request.operations[0].value == .string("Lee"))
        #expect(request.operations[1].path == nil)
        #expect(request.operations[1].value == .object(JSONObject([("active", .bool(false))])))
        #expect(request.operations[2].value == nil)
    }

    @Test("Member names of the body and operations match in any case")
    func memberNamesInAnyCase() throws {
        let body =
            #"{"SCHEMAS":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[{"OP":"add","Path":"title","Value":"x"}]}"#

        let request = try PatchRequest.parse(bytes(body))

        #expect(request.operations.first?.path?.attribute.name == "title")
        #expect(request.operations.first?.value == .string("x"))
    }

    @Test(
        "Bodies that are not a PATCH request throw invalidSyntax",
        arguments: [
            "", "not json", "[]", "\"x\"", "{\(schema)}", "{\(schema),\"Operations\":[]}",
            "{\(schema),\"Operations\":{}}", "{\(schema),\"Operations\":\"add\"}", "{\(schema),\"Operations\":null}",
            "{\(schema),\"Operations\":[1]}",
            "{\(schema),\"Operations\":[{\"op\":\"add\",\"value\":1,\"from\":\"x\"}]}",
        ])
    func invalidSyntax(body: String) {
        #expect(kind(of: body) == .invalidSyntax)
    }

    @Test(
        "Missing or wrong schemas are rejected",
        arguments: [
            #"{"Operations":[{"op":"add","path":"title","value":"x"}]}"#,
            #"{"schemas":[],"Operations":[{"op":"add","path":"title","value":"x"}]}"#,
            #"{"schemas":"urn:ietf:params:scim:api:messages:2.0:PatchOp","Operations":[{"op":"add","path":"title","value":"x"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"add","path":"title","value":"x"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp","urn:x"],"Operations":[{"op":"add","path":"title","value":"x"}]}"#,
        ])
    func badSchemas(body: String) {
        let error = thrownError { () throws(SCIMError) in try PatchRequest.parse(bytes(body)) }

        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidValue)
    }

    @Test(
        "Unknown op, missing op and non-string op throw invalidValue",
        arguments: [#""op":"move""#, #""op":1"#, #""op":"""#, #""Op":null"#])
    func badOp(member: String) {
        let error = thrownError { () throws(SCIMError) in try parse("{\(member),\"path\":\"title\",\"value\":\"x\"}") }

        #expect(error?.scimType == .invalidValue)
    }

    @Test("Missing op throws invalidValue")
    func missingOp() {
        #expect(
            thrownError { () throws(SCIMError) in try parse(#"{"path":"title","value":"x"}"#) }?.scimType
                == .invalidValue)
    }

    @Test("RFC 7644 §3.5.2.2: remove without path throws noTarget")
    func removeWithoutPath() {
        #expect(thrownError { () throws(SCIMError) in try parse(#"{"op":"remove"}"#) }?.scimType == .noTarget)
    }

    @Test("Add or replace without value throws invalidValue", arguments: ["add", "replace"])
    func missingValue(op: String) {
        #expect(
            thrownError { () throws(SCIMError) in try parse(#"{"op":"\#(op)","path":"title"}"#) }?.scimType
                == .invalidValue)
    }

    @Test(
        "Path that is not a string or does not parse throws invalidPath",
        arguments: ["1", "null", "\"\"", "\"a b\"", "\"emails[type eq\""])
    func badPath(path: String) {
        let error = thrownError { () throws(SCIMError) in try parse(#"{"op":"add","path":\#(path),"value":"x"}"#) }

        #expect(error?.scimType == .invalidPath)
    }
}

struct PatchPathTests {
    @Test("RFC 7644 §3.5.2: attribute paths parse", arguments: ["userName", "name.givenName", " active "])
    func attributePath(text: String) throws {
        let path = try PatchPath.parse(text)

        #expect(path.valueFilter == nil)
        #expect(path.valueSubAttribute == nil)
        #expect(path.text == text)
    }

    @Test("URN-qualified path keeps its schema")
    func urnPath() throws {
        let path = try PatchPath.parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")

        #expect(path.attribute.schema == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        #expect(path.attribute.name == "employeeNumber")
    }

    @Test("RFC 7644 §3.5.2: value path with a sub-attribute")
    func valuePathWithSubAttribute() throws {
        let path = try PatchPath.parse(#"emails[type eq "work"].value"#)

        #expect(path.attribute == AttributePath(name: "emails"))
        #expect(path.valueFilter == .comparison(AttributePath(name: "type"), .eq, .string("work")))
        #expect(path.valueSubAttribute == "value")
    }

    @Test("Value path whose string contains brackets")
    func valuePathWithBracketsInString() throws {
        let path = try PatchPath.parse(#"members[value eq "a]b[c"]"#)

        #expect(path.valueFilter == .comparison(AttributePath(name: "value"), .eq, .string("a]b[c")))
        #expect(path.valueSubAttribute == nil)
    }

    @Test(
        "Malformed paths throw invalidPath",
        arguments: [
            "", "  ", "a b", "a.b.c", "1a", "emails[", "emails]", "emails[type eq \"work\"", "emails[type eq]",
            "emails[type eq \"work\"]x", "emails[type eq \"work\"].", "name.givenName[type eq \"x\"]",
            "emails[type eq \"work\"].value.display", "emails[type eq \"work\"].va lue",
            "emails[type eq \"work\"].1x", "userName or a", "not (a)",
        ])
    func malformedPath(text: String) {
        let error = thrownError { () throws(SCIMError) in try PatchPath.parse(text) }

        #expect(error?.scimType == .invalidPath, "\(text)")
    }
}
