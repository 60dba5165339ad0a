/// Request bodies for users, as JSON text.
package enum UserJSON {
    /// The schema URN of a core User.
    package static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// The schema URN of a PATCH request.
    package static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    /// The schema URN of an error response.
    package static let errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"
    /// The schema URN of a list response.
    package static let listSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    /// Returns a body for `POST /Users`, with `externalId` only when one is given.
    package static func create(
        userName: String,
        givenName: String,
        familyName: String,
        externalId: String? = nil
    ) -> String {
        let externalMember = externalId.map { ",\"externalId\":\"\($0)\"" } ?? ""
        return """
            {"schemas":["\(userSchema)"],"userName":"\(userName)",\
            "name":{"givenName":"\(givenName)","familyName":"\(familyName)"}\(externalMember),"active":true}
            """
    }

    /// Returns a PATCH body with the given operations, each already JSON text.
    package static func patch(_ operations: String...) -> String {
        "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[\(operations.joined(separator: ","))]}"
    }
}
