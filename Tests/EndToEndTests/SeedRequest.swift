import SCIMTestSupport

/// Postman's published `PUT /scim/v2/Users/{id}` request ("Update User Information"), with its
/// placeholders filled in.
enum SeedRequest {
    /// A Postman API key for `X-API-Key`; scimd does not know it and must not reject it.
    static let postmanAPIKey = "PMAK-65a1b2c3d4e5f60718293a4b-0123456789abcdef0123456789abcdef01"

    /// Returns the request body of the collection item and of its 200 example, byte for byte.
    static func body(userName: String) -> String {
        "{\n \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],\n \"userName\": \"\(userName)\",\n"
            + " \"name\": {\n \"givenName\": \"Test\",\n \"familyName\": \"User\"\n },\n"
            + " \"externalId\": \"23123123\",\n \"locale\": \"en-US\",\n \"groups\": [],\n \"active\": true\n}"
    }

    /// Returns the request body of most error examples, which also carry `emails` and `displayName`.
    static func bodyWithEmails(userName: String) -> String {
        "{\n \"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],\n \"userName\": \"\(userName)\",\n"
            + " \"name\": {\n \"givenName\": \"Test\",\n \"familyName\": \"User\"\n },\n"
            + " \"emails\": [{\n \"primary\": true,\n \"value\": \"\(userName)\",\n \"type\": \"work\"\n }],\n"
            + " \"displayName\": \"Test User\",\n \"locale\": \"en-US\",\n \"groups\": [],\n \"active\": true\n}"
    }

    /// Returns the request as the collection sends it: the key bare in `Authorization`, an unknown
    /// Postman key in `X-API-Key`, and `Content-Type: application/json`.
    static func put(id: String, key: String, body: String) -> HTTPClientRequest {
        HTTPClientRequest(
            "PUT",
            "/scim/v2/Users/\(id)",
            headers: [
                ("X-API-Key", postmanAPIKey),
                ("Authorization", key),
                ("Content-Type", "application/json"),
            ],
            body: Array(body.utf8))
    }
}
