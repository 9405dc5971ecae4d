namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// Deletion protection of a vhost from 4.1 (rabbit_mgmt_dispatcher, rabbit_mgmt_wm_vhost_deletion_protection, vhost:info_keys
/// and rabbit_mgmt_wm_vhost:delete_resource at v4.1.0 and v4.2.9): POST /api/vhosts/{vhost}/deletion/protection protects,
/// DELETE lifts it; a protected vhost's DELETE is 412 <c>precondition_failed</c>. The vhost shows
/// <c>protected_from_deletion</c>, and its metadata (also in a definitions export) once set. Before 4.1 the path is
/// unknown: a POST is 405 without a body (RabbitMQ 3.10.8, curl; its allow header is checked with the other unknown paths).
/// </summary>
[Releases("3.10", "4.0", "4.1", "4.2", "4.3")]
public sealed class VirtualHostProtectionTests : ManagementTestBase
{
    private bool Served => Profile.VirtualHostDeletionProtection;

    [Test]
    public async Task A_protected_vhost_cannot_be_deleted_until_unprotected()
    {
        var virtualHost = await NewVirtualHostAsync();
        var path = $"api/vhosts/{Segment(virtualHost)}/deletion/protection";

        var protect = await SendAsync(HttpMethod.Post, path);
        if (!Served)
        {
            Assert.That((protect.Status, protect.Body), Is.EqualTo((HttpStatusCode.MethodNotAllowed, "")));
            return;
        }

        Assert.That(protect.Status, Is.EqualTo(HttpStatusCode.NoContent), protect.Body);
        var refused = await SendAsync(HttpMethod.Delete, $"api/vhosts/{Segment(virtualHost)}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);

        AssertError(refused, HttpStatusCode.PreconditionFailed, "precondition_failed",
            $"Refusing to delete virtual host '{virtualHost}' because it is protected from deletion");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/vhosts/{Segment(virtualHost)}");
    }

    [Test]
    public async Task The_vhost_shows_its_protection_and_its_metadata_once_set()
    {
        if (!Served)
        {
            Assert.That((await GetJsonAsync("api/vhosts/%2F")).AsObject().ContainsKey("protected_from_deletion"), Is.False);
            return;
        }

        var virtualHost = await NewVirtualHostAsync();
        var path = $"api/vhosts/{Segment(virtualHost)}";
        var fresh = await GetJsonAsync(path);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, path + "/deletion/protection");
        var protectedHost = await GetJsonAsync(path);
        var exported = (await GetJsonAsync("api/definitions"))["vhosts"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == virtualHost)!;
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path + "/deletion/protection");
        var unprotected = await GetJsonAsync(path);

        Assert.That((fresh["protected_from_deletion"]!.GetValue<bool>(), fresh["metadata"]!.AsObject().ContainsKey("protected_from_deletion")), Is.EqualTo((false, false)));
        Assert.That(protectedHost["protected_from_deletion"]!.GetValue<bool>(), Is.True);
        Assert.That(protectedHost["metadata"]!["protected_from_deletion"]!.GetValue<bool>(), Is.True);
        Assert.That(exported["metadata"]!["protected_from_deletion"]!.GetValue<bool>(), Is.True);
        Assert.That(unprotected["metadata"]!["protected_from_deletion"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Protecting_an_unknown_vhost_is_not_found_with_rabbitmqs_reason()
    {
        if (!Served)
        {
            Assert.Ignore("the path is unknown before 4.1 (see the first test)");
        }

        var name = UniqueName("missing");
        AssertError(await SendAsync(HttpMethod.Post, $"api/vhosts/{name}/deletion/protection"), HttpStatusCode.NotFound, "not_found",
            $"Cannot enable deletion protection of virtual host '{name}' because it does not exist");
        AssertError(await SendAsync(HttpMethod.Delete, $"api/vhosts/{name}/deletion/protection"), HttpStatusCode.NotFound, "Object Not Found", "Not Found");
        var (user, password) = await CreateUserAsync("monitoring");
        AssertError(await SendAsync(HttpMethod.Post, "api/vhosts/%2F/deletion/protection", client: CreateClient(user, password)),
            HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
    }

    [Test]
    public async Task A_definitions_import_protects_a_vhost_whose_metadata_says_so()
    {
        var virtualHost = TrackVirtualHost(UniqueName("imported"));
        var definitions = new JsonObject
        {
            ["vhosts"] = new JsonArray(new JsonObject { ["name"] = virtualHost, ["metadata"] = new JsonObject { ["protected_from_deletion"] = true } }),
        };
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", definitions);

        var shown = await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}");
        if (Served)
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/vhosts/{Segment(virtualHost)}/deletion/protection");
            Assert.That(shown["protected_from_deletion"]!.GetValue<bool>(), Is.True);
        }
        else
        {
            Assert.That(shown.AsObject().ContainsKey("protected_from_deletion"), Is.False);
        }
    }

    private async Task<string> NewVirtualHostAsync()
    {
        var virtualHost = TrackVirtualHost(UniqueName("protected"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        return virtualHost;
    }
}
