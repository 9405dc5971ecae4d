namespace AmqpBroker.Management.Http;

/// <summary>
/// The items of a list endpoint with what <see cref="ListQuery"/> needs to filter, sort and page them
/// before their JSON is built: their names, and the fields that can be read straight from the objects.
/// A page of a list of 10,000 queues then builds 100 queue objects, not 10,000.
/// </summary>
/// <param name="Items">The items in the endpoint's default order.</param>
/// <param name="ToJson">An item as the endpoint answers it.</param>
/// <param name="Name">The name the <c>name</c> filter matches.</param>
/// <param name="Fields">Sortable fields by their JSON path, each read from an item as its JSON would hold it.</param>
internal sealed record ListSource<T>(
    IReadOnlyList<T> Items,
    Func<T, JsonObject> ToJson,
    Func<T, string> Name,
    IReadOnlyDictionary<string, Func<T, JsonNode?>> Fields);

internal static class ListSource
{
    private static readonly Dictionary<string, Func<JsonObject, JsonNode?>> NoFields = [];

    /// <summary>Items already built as JSON; every sort reads the JSON.</summary>
    public static ListSource<JsonObject> Of(IEnumerable<JsonObject> items) =>
        new([.. items], item => item, item => item["name"]?.GetValue<string>() ?? "", NoFields);
}
