/// The behaviour scimd presents: Postman's SCIM API, or a complete RFC 7643/7644 service provider.
///
/// Both profiles share storage and engine; a profile changes policies and error texts only.
package enum Profile: String, Sendable, CaseIterable {
    case postman
    case rfc
}
