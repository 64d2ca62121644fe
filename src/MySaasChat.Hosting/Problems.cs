using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace MySaasChat.Hosting;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension, the one error shape of every endpoint.</summary>
public static class Problems
{
    public static IResult Result(int status, string code, string title, string? detail = null, string? field = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (field is not null)
        {
            extensions["field"] = field;
        }
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }

    public static IResult NotFound(string code, string what) =>
        Result(StatusCodes.Status404NotFound, code, $"{what} not found");

    public static IResult Validation(IDictionary<string, string[]> errors, string code = "validation_failed")
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["field"] = errors.Keys.FirstOrDefault() };
        return TypedResults.ValidationProblem(errors, detail: "One or more fields are not valid.", title: "Invalid request", extensions: extensions);
    }

    public static IResult Validation(string field, string message, string code = "validation_failed") =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, code);

    /// <summary>The code a problem gets when the endpoint that produced it did not name one.</summary>
    public static string DefaultCode(int status) => status switch
    {
        400 => "request.invalid",
        401 => "auth.unauthorized",
        403 => "auth.forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request.timeout",
        409 => "conflict",
        413 => "request.too_large",
        415 => "request.unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        >= 500 => "internal_error",
        _ => "error",
    };

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        problem.Extensions.TryAdd("code", DefaultCode(problem.Status.Value));
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        problem.Instance ??= context.HttpContext.Request.Path;
    }
}

/// <summary>A request body or argument to check at the edge: add one message per field at fault.</summary>
public interface IValidatable
{
    void Validate(ValidationErrors errors);
}

public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public ValidationErrors Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, $"{field} is required.");
        return this;
    }

    public ValidationErrors MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) Add(field, $"{field} must be at most {max} characters.");
        return this;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>Runs <see cref="IValidatable"/> on every argument before the handler; answers 400 with each field at fault.</summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new ValidationErrors();
        foreach (var argument in context.Arguments)
        {
            (argument as IValidatable)?.Validate(errors);
        }
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        return await next(context);
    }
}

/// <summary>Turns what escaped an endpoint into a problem; never a stack trace outside Development.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case BadHttpRequestException bad:
            {
                var json = FindJsonException(bad);
                var status = bad.StatusCode;
                problem = new ProblemDetails
                {
                    Status = status,
                    Title = status == 413 ? "Request body too large" : "Malformed request",
                    Detail = json is not null ? $"The JSON body is not valid{(json.Path is { Length: > 1 } ? $" at {json.Path}" : "")}." : bad.Message,
                };
                problem.Extensions["code"] = status == 413 ? "request.too_large" : json is not null ? "request.invalid_json" : "request.invalid";
                var field = json?.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : FieldFromMessage(bad.Message);
                if (field is not null)
                {
                    problem.Extensions["field"] = field;
                }
                break;
            }
            case OperationCanceledException when http.RequestAborted.IsCancellationRequested:
                return true; // the client went away; nobody is left to answer
            default:
                logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Something went wrong on our side",
                    Detail = "The error was logged. Try again; if it persists, contact support with the trace id.",
                };
                problem.Extensions["code"] = "internal_error";
                break;
        }
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static JsonException? FindJsonException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is JsonException j) return j;
        }
        return null;
    }

    // "Required parameter \"RegisterRequest body\" was not provided from body." → body
    private static string? FieldFromMessage(string message)
    {
        var start = message.IndexOf('"');
        var end = start >= 0 ? message.IndexOf('"', start + 1) : -1;
        if (start < 0 || end <= start) return null;
        var parts = message[(start + 1)..end].Split(' ');
        return parts[^1];
    }
}
