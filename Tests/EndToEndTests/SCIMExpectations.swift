import SCIMTestSupport
import Testing

/// Checks that `response` is a SCIM error with exactly these members, in the order RFC 7644 §3.12
/// and Postman's examples write them: `schemas`, `scimType` when set, `detail`, `status`.
///
/// `status` must be a JSON string, except for Postman's 429, whose documented body has a number.
func expectSCIMError(
    _ response: HTTPClientResponse,
    status: Int,
    scimType: String? = nil,
    detail: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let body = response.json
    let expectedKeys = ["schemas"] + (scimType == nil ? [] : ["scimType"]) + ["detail", "status"]
    #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
    expectSCIMContentType(response, sourceLocation: sourceLocation)
    #expect(body.keys == expectedKeys, "\(body)", sourceLocation: sourceLocation)
    #expect(body["schemas"].strings == [UserJSON.errorSchema], sourceLocation: sourceLocation)
    #expect(body["scimType"].string == scimType, sourceLocation: sourceLocation)
    if let detail {
        #expect(body["detail"].string == detail, sourceLocation: sourceLocation)
    } else {
        #expect(body["detail"].string != nil, sourceLocation: sourceLocation)
    }
    if status == 429 {
        #expect(body["status"].int == 429, sourceLocation: sourceLocation)
    } else {
        #expect(body["status"].string == String(status), sourceLocation: sourceLocation)
    }
}

/// Checks that the response declares `application/scim+json`.
func expectSCIMContentType(_ response: HTTPClientResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    let contentType = response.header("Content-Type")?.lowercased() ?? "<none>"
    #expect(
        contentType.hasPrefix("application/scim+json"), "Content-Type \(contentType)", sourceLocation: sourceLocation)
}

/// Checks the Postman-profile representation of a user: its member order, id and timestamp formats.
func expectUserShape(_ user: JSONNode, sourceLocation: SourceLocation = #_sourceLocation) {
    let allowedOrder = ["schemas", "id", "userName", "name", "externalId", "active", "meta"]
    let keys = user.keys ?? []
    #expect(keys == allowedOrder.filter { keys.contains($0) }, "members \(keys)", sourceLocation: sourceLocation)
    #expect(["schemas", "id", "userName", "active", "meta"].allSatisfy(keys.contains), sourceLocation: sourceLocation)
    #expect(user["schemas"].strings == [UserJSON.userSchema], sourceLocation: sourceLocation)
    #expect(isResourceID(user["id"].string), "id \(user["id"])", sourceLocation: sourceLocation)
    #expect(user["meta"].keys == ["resourceType", "created", "lastModified"], sourceLocation: sourceLocation)
    #expect(user["meta"]["resourceType"].string == "User", sourceLocation: sourceLocation)
    #expect(isTimestamp(user["meta"]["created"].string), sourceLocation: sourceLocation)
    #expect(isTimestamp(user["meta"]["lastModified"].string), sourceLocation: sourceLocation)
}

/// Returns whether `text` is a resource id, which is 48 lowercase hexadecimal characters.
func isResourceID(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.wholeMatch(of: #/[0-9a-f]{48}/#) != nil
}

/// Returns whether `text` is a timestamp in the form `2021-02-22T04:24:13.000Z`.
func isTimestamp(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z/#) != nil
}
