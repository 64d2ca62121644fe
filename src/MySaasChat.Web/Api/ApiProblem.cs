using System.Net;
using System.Text.Json;

namespace MySaasChat.Web.Api;

/// <summary>An RFC 9457 problem answered by the API: its stable code and, when one field is at fault, which.</summary>
public sealed class ApiProblem : Exception
{
    public ApiProblem(HttpStatusCode status, string code, string title, string? detail, string? field, IReadOnlyDictionary<string, string[]> errors)
        : base(detail ?? title)
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Field = field;
        Errors = errors;
    }

    public HttpStatusCode Status { get; }
    public string Code { get; }
    public string Title { get; }
    public string? Detail { get; }
    public string? Field { get; }
    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public JsonElement Body { get; private init; }

    /// <summary>The message to show next to <paramref name="field"/>, if the problem is about it.</summary>
    public string? For(string field)
    {
        foreach (var (key, messages) in Errors)
        {
            if (string.Equals(key, field, StringComparison.OrdinalIgnoreCase) && messages.Length > 0) return messages[0];
        }
        if (string.Equals(Field, field, StringComparison.OrdinalIgnoreCase)) return Detail ?? Title;
        return null;
    }

    /// <summary>True when the problem names a field (so the form shows it there instead of at the top).</summary>
    public bool IsAboutField(params string[] fields) => fields.Any(f => For(f) is not null);

    public string Summary => Detail is { Length: > 0 } d && !string.Equals(d, "One or more fields are not valid.", StringComparison.Ordinal) ? $"{Title}: {d}" : Title;

    public static ApiProblem Parse(HttpStatusCode status, string body)
    {
        var code = "error";
        var title = status switch
        {
            HttpStatusCode.TooManyRequests => "Too many attempts; wait a moment and try again",
            HttpStatusCode.ServiceUnavailable => "The service is unavailable right now",
            >= HttpStatusCode.InternalServerError => "Something went wrong on our side",
            _ => $"Request failed ({(int)status})",
        };
        string? detail = null, field = null;
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        JsonElement root = default;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            root = doc.RootElement.Clone();
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String) code = c.GetString()!;
                if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) title = t.GetString()!;
                if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = d.GetString();
                if (root.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String) field = f.GetString();
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.Array)
                        {
                            errors[p.Name] = p.Value.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray();
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
        return new ApiProblem(status, code, title, detail, field, errors) { Body = root };
    }

    public static ApiProblem Offline() =>
        new(0, "network", "Cannot reach the server", "Check your connection; we will retry.", null, new Dictionary<string, string[]>());
}
