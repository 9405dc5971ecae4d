using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/users: administrators list, read, create or update, and delete users.</summary>
internal static class UserResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/users", Access.Administrator, request =>
            request.ListAsync(request.Broker.Users.All.OrderBy(u => u.Name, StringComparer.Ordinal).Select(UserJson.For(request.Broker))));
        routes.Get("/api/users/{user}", Access.Administrator, request =>
            request.JsonAsync(UserJson.For(request.Broker)(request.NamedUser())));
        routes.Put("/api/users/{user}", Access.Administrator, Put);
        // The user's permissions go with it and its connections are closed, as in RabbitMQ.
        routes.Delete("/api/users/{user}", Access.Administrator, request =>
            request.NoContentIfFound(request.Broker.DeleteUser(request.Route("user"))));
        routes.Post("/api/users/bulk-delete", Access.Administrator, BulkDelete);
        routes.Get("/api/users/without-permissions", Access.Administrator, request =>
        {
            var withPermissions = request.Broker.Permissions.Select(p => p.User).ToHashSet(StringComparer.Ordinal);
            return request.ListAsync(request.Broker.Users.All.Where(u => !withPermissions.Contains(u.Name)).OrderBy(u => u.Name, StringComparer.Ordinal).Select(UserJson.For(request.Broker)));
        });
    }

    private static async Task Put(ApiRequest request)
    {
        var name = request.Route("user");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var user = UserDocument.Read(name, body, request.Broker.Settings.PasswordHashingModule);
        var created = request.Broker.Users.Find(name) is null;
        request.Broker.PutUser(user);
        request.Created(created);
    }

    private static async Task BulkDelete(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("users");
        var names = (body.Array("users") ?? throw JsonBody.Missing("users"))
            .Select(n => n is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var name) ? name : throw ApiException.BadRequest("users must be a list of names"))
            .ToList();
        foreach (var name in names)
        {
            request.Broker.DeleteUser(name);
        }

        request.NoContent();
    }
}
