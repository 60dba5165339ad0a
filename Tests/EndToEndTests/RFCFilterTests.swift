import SCIMTestSupport
import Testing

/// The whole filter grammar (RFC 7644 §3.4.2.2), `sortBy` and `sortOrder` (§3.4.2.3) and paging of the
/// rfc profile, over real HTTP.
struct RFCFilterTests {
    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// Starts an rfc server with ann, bob, çelik and dora beside the admin, and two groups.
    func startTeam() throws -> (TeamServer, [String: String]) {
        let fixture = try TeamServer(
            serveArguments: ["--profile", "rfc", "--rate-limit-writes", "0", "--rate-limit-reads", "0"])
        let bodies = [
            #""userName":"ann@acme.test","name":{"givenName":"Ann"},"title":"Engineer","displayName":"Ann Å","emails":[{"value":"Ann@Work.example","type":"work","primary":true},{"value":"ann@home.example","type":"home"}],"\#(Self.enterprise)":{"employeeNumber":"100","department":"R&D"}"#,
            #""userName":"Bob@acme.test","title":"engineering lead","active":false,"emails":[{"value":"bob@home.example","type":"home"}],"\#(Self.enterprise)":{"employeeNumber":"042"}"#,
            #""userName":"çelik@acme.test","displayName":"ÇELİK \"the\" one","nickName":"a\\b","emails":[{"value":"celik@work.example","type":"work"}]"#,
            #""userName":"dora@acme.test","title":"Designer","externalId":"EXT-9""#,
        ]
        var ids: [String: String] = [:]
        for body in bodies {
            let json = #"{"schemas":["\#(Self.userSchema)","\#(Self.enterprise)"],\#(body)}"#
            let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: json)
            guard response.status == 201, let id = response.json["id"].string,
                let userName = response.json["userName"].string
            else { throw TestSetupError("creating a user failed: \(response)") }
            ids[userName] = id
        }
        for (name, members) in [("Engineering", ["ann@acme.test", "Bob@acme.test"]), ("Design", ["dora@acme.test"])] {
            let values = members.compactMap { ids[$0] }.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let json =
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)","members":[\#(values)]}"#
            let response = try fixture.client.post("/scim/v2/Groups", key: fixture.adminKey, json: json)
            guard response.status == 201 else { throw TestSetupError("creating \(name) failed: \(response)") }
        }
        return (fixture, ids)
    }

    func userNames(_ response: HTTPClientResponse) -> [String] {
        (response.json["Resources"].array ?? []).compactMap { $0["userName"].string }
    }

    @Test(
        "RFC 7644 §3.4.2.2: filters select the matching users",
        arguments: [
            (#"userName eq "ANN@acme.test""#, ["ann@acme.test"]),
            (#"USERNAME EQ "ann@acme.test""#, ["ann@acme.test"]),
            (#"userName sw "b""#, ["Bob@acme.test"]),
            (
                #"userName ew "@ACME.TEST" and not (userName sw "a")"#,
                ["Bob@acme.test", "çelik@acme.test", "dora@acme.test"]
            ),
            (#"title co "engineer" or title eq "designer" and active eq false"#, ["ann@acme.test", "Bob@acme.test"]),
            (#"(title co "engineer" or title eq "designer") and active eq true"#, ["ann@acme.test", "dora@acme.test"]),
            (#"emails[type eq "work" and value co "WORK"]"#, ["ann@acme.test", "çelik@acme.test"]),
            (#"emails[type eq "home" and value sw "ann@work"]"#, []),
            (#"emails.type eq "home" and emails.value sw "ann@work""#, ["ann@acme.test"]),
            (#"emails[type eq "work"].value ew "example""#, ["ann@acme.test", "çelik@acme.test"]),
            (#"emails pr and not (emails.primary eq true)"#, ["Bob@acme.test", "çelik@acme.test"]),
            (#"title pr"#, ["ann@acme.test", "Bob@acme.test", "dora@acme.test"]),
            (#"title eq null"#, ["admin@acme.test", "çelik@acme.test"]),
            (#"externalId eq "ext-9""#, []),
            (#"externalId eq "EXT-9""#, ["dora@acme.test"]),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber lt "100""#, ["Bob@acme.test"]),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:displayName eq "ÇELİK \"THE\" ONE""#, ["çelik@acme.test"]),
            (#"displayName eq "\u00c7el\u0130k \"the\" one""#, ["çelik@acme.test"]),
            (#"displayName sw "ann \u00e5""#, ["ann@acme.test"]),
            (#"nickName eq "a\\b""#, ["çelik@acme.test"]),
            (#"meta.created lt "2000-01-01T00:00:00Z""#, []),
            (
                #"meta.lastModified gt "2000-01-01T01:00:00+01:00" and meta.resourceType eq "User""#,
                ["admin@acme.test", "ann@acme.test", "Bob@acme.test", "çelik@acme.test", "dora@acme.test"]
            ),
            (#"name pr and name[givenName sw "A" and not (familyName pr)]"#, ["ann@acme.test"]),
        ])
    func filterSelectsUsers(filter: String, expected: [String]) throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == expected.count)
        #expect(response.json["itemsPerPage"].int == expected.count)
        #expect(userNames(response) == expected)
    }

    @Test("RFC 7644 §3.4.2.2: dates compare as instants, whatever their offset")
    func datesCompareAsInstants() throws {
        let (fixture, ids) = try startTeam()
        let ann = try fixture.getUser(try #require(ids["ann@acme.test"]))
        let created = try #require(ann.json["meta"]["created"].string)
        let eq = QueryEncoding.encode(#"meta.created eq "\#(created)" and userName eq "ann@acme.test""#)
        let after = QueryEncoding.encode(#"meta.created gt "\#(created)""#)
        let micro = QueryEncoding.encode(#"meta.created eq "\#(created.dropLast())001Z""#)

        let exact = try fixture.client.get("/scim/v2/Users?filter=\(eq)", key: fixture.adminKey)
        let later = try fixture.client.get("/scim/v2/Users?filter=\(after)", key: fixture.adminKey)
        let between = try fixture.client.get("/scim/v2/Users?filter=\(micro)", key: fixture.adminKey)

        #expect(userNames(exact) == ["ann@acme.test"])
        #expect(!userNames(later).contains("ann@acme.test"))
        #expect(!userNames(later).contains("admin@acme.test"))
        #expect(between.json["totalResults"].int == 0)
    }

    @Test("group filters: members, value paths and displayName without case")
    func groupFilters() throws {
        let (fixture, ids) = try startTeam()
        let bob = try #require(ids["Bob@acme.test"])
        let cases = [
            (#"members[value eq "\#(bob)"]"#, ["Engineering"]),
            (#"members.value eq "\#(bob)" or displayName eq "DESIGN""#, ["Engineering", "Design"]),
            (#"members.display sw "DORA""#, ["Design"]),
            (#"not (members.value eq "\#(bob)")"#, ["Design"]),
            (#"displayName co "sign" and members pr"#, ["Design"]),
        ]

        for (filter, expected) in cases {
            let response = try fixture.client.get(
                "/scim/v2/Groups?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

            #expect(response.status == 200, "\(filter): \(response)")
            #expect(
                (response.json["Resources"].array ?? []).compactMap { $0["displayName"].string } == expected,
                "\(filter)")
        }
    }

    @Test(
        "RFC 7644 §3.12: broken filters and unknown attributes are 400 invalidFilter and change nothing",
        arguments: [
            (#"userName eq"#, "Invalid filter: expected a value after 'eq' at position 12."),
            (#"userName xx "a""#, "Invalid filter: unknown operator 'xx' at position 12."),
            (#"(userName eq "a""#, "Invalid filter: expected ')' at position 17."),
            (#"nosuch eq "a""#, "Invalid filter: 'nosuch' is not an attribute of the User schema."),
            (#"name.nosuch eq "a""#, "Invalid filter: 'name' has no sub-attribute 'nosuch'."),
            (
                #"urn:x:y:nosuch eq "a""#,
                "Invalid filter: 'urn:x:y' is not a schema of this resource type."
            ),
            (
                #"active gt true"#,
                "Invalid filter: the operator 'gt' cannot compare 'active', a boolean, with a boolean."
            ),
            (#"title eq 42"#, "Invalid filter: the operator 'eq' cannot compare 'title', a string, with a number."),
            (
                #"meta.created gt "yesterday""#,
                "Invalid filter: 'meta.created' is a dateTime, and 'yesterday' is not one."
            ),
            (#"name eq "x""#, "Invalid filter: 'name' is a complex attribute; compare one of its sub-attributes."),
            (
                #"password eq "x""#,
                "Invalid filter: 'password' cannot be filtered or sorted by: scimd does not store passwords."
            ),
            (
                #"emails[type eq "work" and emails[value pr]]"#,
                "Invalid filter: a value filter cannot be nested in another."
            ),
        ])
    func brokenFilterIsInvalidFilter(filter: String, detail: String) throws {
        let (fixture, _) = try startTeam()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

        #expect(response.status == 400)
        #expect(response.json["schemas"][0].string == "urn:ietf:params:scim:api:messages:2.0:Error")
        #expect(response.json["status"].string == "400")
        #expect(response.json["scimType"].string == "invalidFilter")
        #expect(response.json["detail"].string == detail)
        #expect(try fixture.store.snapshot() == before)
    }

    @Test(
        "RFC 7644 §3.4.2.3: sortBy orders by the attribute, missing values last when ascending",
        arguments: [
            ("title", nil, ["dora@acme.test", "ann@acme.test", "Bob@acme.test", "admin@acme.test", "çelik@acme.test"]),
            (
                "title", "descending",
                ["admin@acme.test", "çelik@acme.test", "Bob@acme.test", "ann@acme.test", "dora@acme.test"]
            ),
            (
                "userName", "ASCENDING",
                ["admin@acme.test", "ann@acme.test", "Bob@acme.test", "dora@acme.test", "çelik@acme.test"]
            ),
            (
                "emails", nil,
                ["ann@acme.test", "Bob@acme.test", "çelik@acme.test", "admin@acme.test", "dora@acme.test"]
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", nil,
                ["Bob@acme.test", "ann@acme.test", "admin@acme.test", "çelik@acme.test", "dora@acme.test"]
            ),
            (
                "active", "descending",
                ["admin@acme.test", "ann@acme.test", "çelik@acme.test", "dora@acme.test", "Bob@acme.test"]
            ),
        ] as [(String, String?, [String])])
    func sortByOrdersUsers(sortBy: String, sortOrder: String?, expected: [String]) throws {
        let (fixture, _) = try startTeam()
        let order = sortOrder.map { "&sortOrder=\($0)" } ?? ""

        let response = try fixture.client.get(
            "/scim/v2/Users?sortBy=\(QueryEncoding.encode(sortBy))\(order)", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(userNames(response) == expected)
    }

    @Test(
        "unknown sortBy or sortOrder is 400 invalidValue",
        arguments: [
            (
                "sortBy=nosuch",
                "Invalid sortBy: 'nosuch' is not an attribute of the User schema."
            ),
            ("sortBy=name", "Invalid sortBy: 'name' is a complex attribute; name one of its sub-attributes."),
            ("sortBy=title&sortOrder=up", "'sortOrder' must be 'ascending' or 'descending', not 'up'."),
            ("sortBy=title%20eq", "'sortBy' must be an attribute name, not 'title eq'."),
        ])
    func badSortIsInvalidValue(query: String, detail: String) throws {
        let (fixture, _) = try startTeam()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.get("/scim/v2/Users?\(query)", key: fixture.adminKey)

        #expect(response.status == 400)
        #expect(response.json["status"].string == "400")
        #expect(response.json["scimType"].string == "invalidValue")
        #expect(response.json["detail"].string == detail)
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("root /.search rejects a sortBy that groups do not define, whatever the page")
    func rootSearchRejectsUserOnlySort() throws {
        let (fixture, _) = try startTeam()
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"sortBy":"userName","count":1}
            """#

        let response = try fixture.client.post("/scim/v2/.search", key: fixture.adminKey, json: body)

        #expect(response.status == 400)
        #expect(response.json["scimType"].string == "invalidValue")
        #expect(response.json["detail"].string == "Invalid sortBy: 'userName' is not an attribute of the Group schema.")
    }

    @Test("RFC 7644 §3.4.2.4: paging parameters are clamped")
    func pagingParameters() throws {
        let (fixture, _) = try startTeam()

        let onlyTotal = try fixture.client.get("/scim/v2/Users?count=0", key: fixture.adminKey)
        let negative = try fixture.client.get("/scim/v2/Users?count=-3", key: fixture.adminKey)
        let fromZero = try fixture.client.get(
            "/scim/v2/Users?startIndex=0&count=2&sortBy=userName", key: fixture.adminKey)
        let second = try fixture.client.get(
            "/scim/v2/Users?startIndex=4&count=5&sortBy=userName", key: fixture.adminKey)

        #expect(onlyTotal.json["totalResults"].int == 5)
        #expect(onlyTotal.json["itemsPerPage"].int == 0)
        #expect(onlyTotal.json["Resources"].array?.isEmpty == true)
        #expect(negative.json["totalResults"].int == 5)
        #expect(negative.json["itemsPerPage"].int == 0)
        #expect(fromZero.json["startIndex"].int == 1)
        #expect(userNames(fromZero) == ["admin@acme.test", "ann@acme.test"])
        #expect(second.json["itemsPerPage"].int == 2)
        #expect(userNames(second) == ["dora@acme.test", "çelik@acme.test"])
    }

    @Test("RFC 7644 §3.4.3: /.search takes sortBy and sortOrder in its body")
    func searchSorts() throws {
        let (fixture, _) = try startTeam()
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"title pr","sortBy":"title","sortOrder":"descending","count":2}
            """#

        let response = try fixture.client.post("/scim/v2/Users/.search", key: fixture.adminKey, json: body)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 3)
        #expect(userNames(response) == ["Bob@acme.test", "ann@acme.test"])
    }

    @Test("the rfc ServiceProviderConfig advertises filter and sort")
    func serviceProviderConfigAdvertisesSort() throws {
        let (fixture, _) = try startTeam()

        let config = try fixture.client.get("/scim/v2/ServiceProviderConfig", key: fixture.adminKey).json

        #expect(config["sort"].description == #"{"supported":true}"#)
        #expect(config["filter"].description == #"{"supported":true,"maxResults":100}"#)
    }
}
