namespace MySaasChat.Contracts;

/// <summary>The problem details body every endpoint answers errors with (RFC 9457 plus a stable code).</summary>
public sealed record Problem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Code,
    IDictionary<string, string[]>? Errors);

/// <summary>The body of GET /health/detailed.</summary>
public sealed record HealthReportBody(string Status, string Service, string Version, IReadOnlyList<DependencyHealth> Checks);

public sealed record DependencyHealth(string Name, string Status, double LatencyMs, bool Required, string? Error);
