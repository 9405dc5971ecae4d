using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// /api/global-parameters and /api/cluster-name (RabbitMQ 3.10.8: deps/rabbitmq_management/src/rabbit_mgmt_wm_global_parameter(s).erl,
/// rabbit_mgmt_wm_cluster_name.erl; deps/rabbit/src/rabbit_nodes.erl): the cluster name is the <c>cluster_name</c> global
/// parameter, else the node's name, and is what connection.start, the overview and the definitions say; the broker draws
/// an <c>internal_cluster_id</c> once. Non-parallelizable: against a real RabbitMQ the cluster name is the node's, which
/// other fixtures read.
/// </summary>
[NonParallelizable]
public sealed partial class GlobalParameterEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Setting_the_cluster_name_renames_the_cluster_for_clients_and_the_management_api()
    {
        var original = (await GetJsonAsync("api/cluster-name"))["name"]!.GetValue<string>();
        var name = UniqueName("cluster");

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, "api/cluster-name", new JsonObject { ["name"] = name });
        try
        {
            Assert.That((await GetJsonAsync("api/cluster-name"))["name"]!.GetValue<string>(), Is.EqualTo(name));
            Assert.That((await GetJsonAsync("api/overview"))["cluster_name"]!.GetValue<string>(), Is.EqualTo(name));
            Assert.That((await GetJsonAsync("api/global-parameters/cluster_name")).ToJsonString(), Is.EqualTo($$"""{"value":"{{name}}","name":"cluster_name"}"""));
            await using var connection = await new ConnectionFactory { Uri = AmqpUri }.CreateConnectionAsync();
            Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["cluster_name"]!), Is.EqualTo(name));
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "api/global-parameters/cluster_name");
        }

        Assert.That((await GetJsonAsync("api/cluster-name"))["name"]!.GetValue<string>(), Is.EqualTo(original), "cleared, the node's name again");
    }

    [Test]
    public async Task A_global_parameter_is_created_replaced_read_listed_and_cleared()
    {
        var name = UniqueName("global");
        var path = $"api/global-parameters/{name}";

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject { ["value"] = new JsonObject { ["b"] = 1, ["a"] = new JsonArray(1, "x") } });
        try
        {
            Assert.That((await GetJsonAsync(path)).ToJsonString(), Is.EqualTo($$"""{"value":{"a":[1,"x"],"b":1},"name":"{{name}}"}"""), "value first, its keys sorted");
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, new JsonObject { ["value"] = "s" });
            var listed = (await GetJsonAsync("api/global-parameters")).AsArray();
            Assert.That(listed.Single(p => p!["name"]!.GetValue<string>() == name)!.ToJsonString(), Is.EqualTo($$"""{"name":"{{name}}","value":"s"}"""));
            Assert.That(listed.Select(p => p!["name"]!.GetValue<string>()), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        }

        AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
    }

    /// <summary>rabbit_definitions:add_global_parameter/2 sets each entry of a file's global_parameters as given.</summary>
    [Test]
    public async Task A_definitions_import_sets_global_parameters()
    {
        var name = UniqueName("global");
        var file = new JsonObject { ["global_parameters"] = new JsonArray(new JsonObject { ["name"] = name, ["value"] = new JsonObject { ["k"] = "v" } }) };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", file);
        try
        {
            Assert.That((await GetJsonAsync($"api/global-parameters/{name}"))["value"]!.ToJsonString(), Is.EqualTo("""{"k":"v"}"""));
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/global-parameters/{name}");
        }
    }

    /// <summary>rabbit_mgmt_util:with_decode/4 names the missing key; rabbit_mgmt_wm_global_parameter and _cluster_name require value and name.</summary>
    [Test]
    public async Task A_body_without_its_key_is_refused()
    {
        AssertError(await SendAsync(HttpMethod.Put, $"api/global-parameters/{UniqueName("global")}", new JsonObject { ["x"] = 1 }), HttpStatusCode.BadRequest, "bad_request", "[{key_missing,value}]");
        AssertError(await SendAsync(HttpMethod.Put, "api/cluster-name", new JsonObject()), HttpStatusCode.BadRequest, "bad_request", "[{key_missing,name}]");
    }

    /// <summary>is_authorized_global_parameters wants a policymaker; the cluster name any management user reads, only administrators set.</summary>
    [Test]
    public async Task Policymakers_manage_global_parameters_and_administrators_the_cluster_name()
    {
        var (management, password) = await CreateUserAsync("management");
        var (policymaker, policymakerPassword) = await CreateUserAsync("policymaker");

        AssertError(await SendAsync(HttpMethod.Get, "api/global-parameters", client: CreateClient(management, password)), HttpStatusCode.Unauthorized, "not_authorised", "User not authorised to access object");
        await GetJsonAsync("api/global-parameters", CreateClient(policymaker, policymakerPassword));
        await GetJsonAsync("api/cluster-name", CreateClient(management, password));
        AssertError(await SendAsync(HttpMethod.Put, "api/cluster-name", new JsonObject { ["name"] = "x" }, CreateClient(policymaker, policymakerPassword)), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
    }

    /// <summary>
    /// rabbit_nodes:seed_internal_cluster_id/0 draws <c>rabbitmq-cluster-id-</c> and 16 random bytes in URL-safe base64
    /// (rabbit_guid:binary/2). The export lists it up to 4.2.8 (rabbit_mgmt_wm_global_parameters:basic/0) and leaves every
    /// <c>internal…</c> parameter out from 4.2.9 (rabbit_definitions:list_global_runtime_parameters/0).
    /// </summary>
    [Test]
    public async Task The_internal_cluster_id_is_listed_and_exported_where_the_release_exports_it()
    {
        var id = (await GetJsonAsync("api/global-parameters/internal_cluster_id"))["value"]!.GetValue<string>();
        var exported = (await GetJsonAsync("api/definitions"))["global_parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>());

        Assert.That(id, Does.Match(ClusterId()));
        Assert.That(exported.Contains("internal_cluster_id"), Is.EqualTo(!Profile.DefinitionsExportCanonical));
    }

    [GeneratedRegex("^rabbitmq-cluster-id-[A-Za-z0-9_-]{22}$")]
    private static partial Regex ClusterId();
}
