import SCIMTestSupport
import Testing

/// How memberships follow the users and groups they join: deactivation, deletion, full updates.
struct GroupLifecycleTests {
    @Test("deactivating a user keeps its memberships", arguments: ["postman", "rfc"])
    func deactivationKeepsMemberships(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let bob = try fixture.createUser("bob@acme.test")
        let group = try fixture.createGroup("Engineering", memberIDs: [alice, bob])
        let deactivate = UserJSON.patch(#"{"op":"replace","value":{"active":false}}"#)
        let reactivate = UserJSON.patch(#"{"op":"replace","value":{"active":true}}"#)

        let off = try fixture.client.patch("/scim/v2/Users/\(alice)", key: fixture.adminKey, json: deactivate)
        let membersWhileOff = try fixture.memberIDs(ofGroup: group)
        let on = try fixture.client.patch("/scim/v2/Users/\(alice)", key: fixture.adminKey, json: reactivate)

        #expect(off.status == 200, "\(off)")
        #expect(off.json["active"].bool == false)
        #expect(membersWhileOff == [alice, bob])
        #expect(on.status == 200, "\(on)")
        #expect(try fixture.memberIDs(ofGroup: group) == [alice, bob])
    }

    @Test("user PUT with empty groups keeps memberships", arguments: ["postman", "rfc"])
    func putWithEmptyGroupsKeepsMemberships(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let group = try fixture.createGroup("Engineering", memberIDs: [alice])
        let body = """
            {"schemas":["\(UserJSON.userSchema)"],"id":"\(alice)","userName":"alice@acme.test",\
            "name":{"givenName":"Alicia","familyName":"Example"},"groups":[],"active":true}
            """

        let response = try fixture.client.put("/scim/v2/Users/\(alice)", key: fixture.adminKey, json: body)

        #expect(response.status == 200, "\(response)")
        #expect(try fixture.memberIDs(ofGroup: group) == [alice])
    }

    @Test("deleting a user removes its memberships in the rfc profile")
    func userDeletionRemovesMemberships() throws {
        let fixture = try TeamServer(profile: "rfc")
        let alice = try fixture.createUser("alice@acme.test")
        let bob = try fixture.createUser("bob@acme.test")
        let engineering = try fixture.createGroup("Engineering", memberIDs: [alice, bob])
        let operations = try fixture.createGroup("Operations", memberIDs: [alice])
        let filter = QueryEncoding.encode("members[value eq \"\(alice)\"]")

        let response = try fixture.client.send("DELETE", "/scim/v2/Users/\(alice)", key: fixture.adminKey)

        #expect(response.status == 204, "\(response)")
        #expect(try fixture.memberIDs(ofGroup: engineering) == [bob])
        #expect(try fixture.memberIDs(ofGroup: operations) == [])
        let byMember = try fixture.client.get("/scim/v2/Groups?filter=\(filter)", key: fixture.adminKey)
        #expect(byMember.status == 200, "\(byMember)")
        #expect(byMember.json["totalResults"].int == 0)
        #expect(try fixture.store.count(of: "group_members") == 1)
    }

    @Test("deleting a user is not offered in the postman profile")
    func userDeletionRefusedInPostman() throws {
        let fixture = try TeamServer(profile: "postman")
        let alice = try fixture.createUser("alice@acme.test")
        let group = try fixture.createGroup("Engineering", memberIDs: [alice])

        let response = try fixture.client.send("DELETE", "/scim/v2/Users/\(alice)", key: fixture.adminKey)

        expectSCIMError(response, status: 405)
        #expect(try fixture.memberIDs(ofGroup: group) == [alice])
    }

    @Test("group deletion leaves users unchanged", arguments: ["postman", "rfc"])
    func groupDeletionLeavesUsers(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let bob = try fixture.createUser("bob@acme.test")
        let engineering = try fixture.createGroup("Engineering", memberIDs: [alice, bob])
        let operations = try fixture.createGroup("Operations", memberIDs: [bob])
        let aliceBefore = try fixture.getUser(alice).text
        let bobBefore = try fixture.getUser(bob).text
        let usersBefore = try fixture.store.snapshot(of: "users")

        let response = try fixture.client.send("DELETE", "/scim/v2/Groups/\(engineering)", key: fixture.adminKey)

        #expect(response.status == 204, "\(response)")
        #expect(try fixture.getUser(alice).text == aliceBefore)
        #expect(try fixture.getUser(bob).text == bobBefore)
        #expect(try fixture.store.snapshot(of: "users") == usersBefore)
        #expect(try fixture.memberIDs(ofGroup: operations) == [bob])
        #expect(try fixture.store.count(of: "group_members") == 1)
    }
}
