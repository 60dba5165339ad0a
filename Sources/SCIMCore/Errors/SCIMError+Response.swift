extension SCIMError {
    /// The schema URN of every SCIM error body (RFC 7644 §3.12).
    package static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// Returns the error body: `schemas`, then `scimType` when set, `detail` and `status`, the order
    /// in which Postman's documented bodies list them.
    package var body: JSONValue {
        var object = JSONObject([("schemas", .array([.string(Self.schemaURN)]))])
        if let scimType { object.set("scimType", .string(scimType.rawValue)) }
        object.set("detail", .string(detail))
        switch statusEncoding {
        case .string: object.set("status", .string(String(status)))
        case .number: object.set("status", .integer(Int64(status)))
        }
        return .object(object)
    }
}
