using System.Globalization;
using System.Text.RegularExpressions;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Http;

/// <summary>
/// RabbitMQ's list parameters: <c>sort</c> (a dotted field path) and <c>sort_reverse</c>; <c>columns</c>
/// (dotted paths to keep); and, when <c>page</c> is given, pagination with <c>page_size</c> (1–500,
/// default 100) and a case-insensitive <c>name</c> filter (a substring, or a regular expression with
/// <c>use_regex=true</c>), answered in the paged shape with the counts RabbitMQ reports. A regular expression that
/// runs out of its match budget matches nothing, as PCRE's match limit makes RabbitMQ's <c>re:run</c> answer nomatch.
/// </summary>
internal sealed class ListQuery
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;

    private string? _sort;
    private bool _reverse;
    private string[] _columns = [];
    private int? _page;
    private int _pageSize = DefaultPageSize;
    private Regex? _nameRegex;
    private string? _nameText;

    /// <param name="query">The request's query string.</param>
    /// <param name="limitNameRegex">
    /// Whether a regular expression name filter is limited (<see cref="Core.Profiles.VersionProfile.NameFilterRegexLimited"/>):
    /// over 1024 bytes it is refused with or without <c>page</c>, as rabbit_mgmt_util:pagination_params does, and it
    /// gets a smaller match budget.
    /// </param>
    public static ListQuery Parse(IQueryCollection query, bool limitNameRegex = false)
    {
        var useRegex = string.Equals(Value(query, "use_regex"), "true", StringComparison.OrdinalIgnoreCase);
        if (limitNameRegex && useRegex && Value(query, "name") is { } filter && RegexLimits.IsTooLong(filter))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "invalid_pagination_parameters", "name filter regex is too long");
        }

        var parsed = new ListQuery
        {
            _sort = Value(query, "sort") is { Length: > 0 } sort ? sort : null,
            _reverse = string.Equals(Value(query, "sort_reverse"), "true", StringComparison.OrdinalIgnoreCase),
            _columns = Value(query, "columns") is { Length: > 0 } columns ? columns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
        };
        if (Value(query, "page") is { } page)
        {
            parsed.ParsePagination(page, Value(query, "page_size"), Value(query, "name"), useRegex ? RegexLimits.BudgetFor(limitNameRegex) : null);
        }

        return parsed;
    }

    /// <summary>Sorts, filters, pages and trims the items; they arrive in the endpoint's default order.</summary>
    public JsonNode Apply(IEnumerable<JsonObject> items) => Apply(ListSource.Of(items));

    /// <summary>
    /// Sorts, filters, pages and trims the items, building the JSON of an item only when it is answered or
    /// sorted by a field the source cannot read from the item itself.
    /// </summary>
    public JsonNode Apply<T>(ListSource<T> source)
    {
        var rows = Sorted(source);
        return _page is null ? new JsonArray([.. rows.Select(row => Project(row.Json))]) : Page(rows, source);
    }

    /// <summary>
    /// Writes the answer. A whole list is streamed item by item, each item's JSON dropped once written, so that
    /// listing 100,000 queues never holds them all as JSON (or as one string) at once.
    /// </summary>
    public Task WriteAsync<T>(HttpResponse response, ListSource<T> source)
    {
        var rows = Sorted(source);
        return _page is null
            ? JsonResponse.WriteArrayAsync(response, rows.Select(row => Project(row.TakeJson())))
            : JsonResponse.WriteAsync(response, Page(rows, source));
    }

    private List<Row<T>> Sorted<T>(ListSource<T> source)
    {
        var rows = source.Items.Select(item => new Row<T>(item, source)).ToList();
        if (_sort is not null)
        {
            var path = _sort;
            var read = source.Fields.GetValueOrDefault(path);
            rows = [.. rows.OrderBy(row => read is null ? JsonPath.Get(row.Json, path) : read(row.Item), JsonValueOrder.Instance)];
        }

        if (_reverse)
        {
            rows.Reverse();
        }

        return rows;
    }

    private JsonObject Page<T>(List<Row<T>> rows, ListSource<T> source)
    {
        var page = _page!.Value;
        var filtered = rows.Where(row => MatchesName(source.Name(row.Item))).ToList();
        var pageCount = (filtered.Count + _pageSize - 1) / _pageSize;
        if (page > 1 && page > pageCount)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "page_out_of_range", $"Page out of range, page: {page} page size: {_pageSize}, len: {filtered.Count}");
        }

        var pageItems = filtered.Skip((page - 1) * _pageSize).Take(_pageSize).Select(row => Project(row.Json)).ToList();
        return new JsonObject
        {
            ["filtered_count"] = filtered.Count,
            ["item_count"] = pageItems.Count,
            ["items"] = new JsonArray([.. pageItems]),
            ["page"] = page,
            ["page_count"] = pageCount,
            ["page_size"] = _pageSize,
            ["total_count"] = rows.Count,
        };
    }

    /// <summary>Reads <c>page</c>, <c>page_size</c> and the <c>name</c> filter, a regular expression when <paramref name="regexTimeout"/>, its match budget, is given.</summary>
    private void ParsePagination(string page, string? pageSize, string? name, TimeSpan? regexTimeout)
    {
        if (!int.TryParse(page, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pageNumber)
            || (pageSize is not null && !int.TryParse(pageSize, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _pageSize)))
        {
            throw ApiException.BadRequest("Pagination parameters are invalid");
        }

        if (pageNumber < 1 || _pageSize < 1 || _pageSize > MaxPageSize)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "invalid_pagination_parameters",
                $"Invalid pagination parameters: page number {pageNumber}, page size {pageSize ?? "undefined"}");
        }

        _page = pageNumber;
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        if (regexTimeout is not { } timeout)
        {
            _nameText = name;
            return;
        }

        try
        {
            _nameRegex = new Regex(name, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException)
        {
            throw ApiException.BadRequest("Pagination parameters are invalid");
        }
    }

    private bool MatchesName(string name)
    {
        if (_nameText is null && _nameRegex is null)
        {
            return true;
        }

        try
        {
            return _nameRegex?.IsMatch(name) ?? name.Contains(_nameText!, StringComparison.OrdinalIgnoreCase);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Keeps only the requested columns (nested ones stay nested, as RabbitMQ answers them).</summary>
    private JsonObject Project(JsonObject item)
    {
        if (_columns.Length == 0)
        {
            return item;
        }

        var projected = new JsonObject();
        foreach (var column in _columns)
        {
            if (JsonPath.Get(item, column) is { } value)
            {
                JsonPath.Set(projected, column, value.DeepClone());
            }
        }

        return projected;
    }

    private static string? Value(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>An item and its JSON, built at most once and only when needed.</summary>
    private sealed class Row<T>(T item, ListSource<T> source)
    {
        private JsonObject? _json;

        public T Item => item;

        public JsonObject Json => _json ??= source.ToJson(item);

        /// <summary>The JSON, no longer kept here once taken (a streamed answer's memory stays one item).</summary>
        public JsonObject TakeJson()
        {
            var json = Json;
            _json = null;
            return json;
        }
    }
}
