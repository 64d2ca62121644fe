using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Generation;
using MySaasChat.Modules.Chat.Hub;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>What sending and regenerating share: the quota check, the placeholder reply, and the answer as SSE or as one body.</summary>
internal static class Replying
{
    public static IResult QuotaExceeded(QuotaStatus quota) => TypedResults.Problem(
        detail: $"This month's {quota.Quota} tokens of the {quota.Plan} plan are used up; the quota resets on {quota.ResetsAt:yyyy-MM-dd}.",
        statusCode: StatusCodes.Status402PaymentRequired,
        title: "Monthly token quota exceeded",
        extensions: new Dictionary<string, object?>
        {
            ["code"] = "chat.quota_exceeded",
            ["plan"] = quota.Plan,
            ["quota"] = quota.Quota,
            ["used"] = quota.Used,
            ["resetsAt"] = quota.ResetsAt,
        });

    public static bool WantsStream(HttpContext http) =>
        http.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds the assistant's placeholder under <paramref name="userMessage"/>, saves, and starts the reply.</summary>
    public static async Task<IResult> ReplyAsync(HttpContext http, ChatDbContext db, Conversation conversation, Message userMessage,
        ChatModel model, bool titleChanged, CancellationToken ct)
    {
        var services = http.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        var runner = services.GetRequiredService<GenerationRunner>();
        var notifier = services.GetRequiredService<ChatNotifier>();
        var context = services.GetRequiredService<ConversationContext>();

        var assistant = new Message
        {
            ConversationId = conversation.Id,
            UserId = conversation.UserId,
            ParentId = userMessage.Id,
            Role = MessageRoles.Assistant,
            State = MessageStates.Streaming,
            Provider = model.Provider,
            Model = model.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.Messages.Add(assistant);
        conversation.CurrentLeafId = assistant.Id;
        conversation.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);

        var all = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id).ToListAsync(ct);
        var branch = ConversationContext.Branch(all, userMessage.Id);
        var (messages, promptTokens) = context.Build(conversation.SystemPrompt, branch, model.ContextWindow);
        var generation = runner.Start(new GenerationRequest(conversation.UserId, conversation.Id, assistant.Id, model, messages, promptTokens));

        var created = new { conversationId = conversation.Id, userMessage = userMessage.ToBody(), assistantMessageId = assistant.Id, model = model.Id, provider = model.Provider };
        await notifier.MessageCreated(conversation.Id, created);
        if (titleChanged) await notifier.ConversationUpdated(conversation.UserId, conversation.ToSummary());

        if (WantsStream(http))
        {
            await StreamAsync(http, created, generation);
            return TypedResults.Empty;
        }
        ChatMessageBody reply;
        try
        {
            reply = await generation.Completion.WaitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty; // the reply goes on and is stored; nobody is waiting for this answer
        }
        if (reply.State == MessageStates.Failed)
        {
            return TypedResults.Problem(detail: reply.Error, statusCode: StatusCodes.Status502BadGateway, title: "The AI provider failed",
                extensions: new Dictionary<string, object?> { ["code"] = generation.ErrorCode ?? "chat.provider_error", ["messageId"] = reply.Id });
        }
        return TypedResults.Ok(new SendMessageResult(userMessage.ToBody(), reply));
    }

    private static async Task StreamAsync(HttpContext http, object created, RunningGeneration generation)
    {
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx must pass tokens on as they come
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        var ct = http.RequestAborted;
        try
        {
            await WriteAsync(response, "message.created", created, json, ct);
            await foreach (var e in generation.Events.Reader.ReadAllAsync(ct))
            {
                switch (e)
                {
                    case DeltaEvent d:
                        await WriteAsync(response, "delta", new { messageId = d.MessageId, text = d.Text }, json, ct);
                        break;
                    case UsageEvent u:
                        await WriteAsync(response, "usage", new { messageId = u.MessageId, promptTokens = u.PromptTokens, completionTokens = u.CompletionTokens, cost = u.Cost, provider = u.Provider, model = u.Model }, json, ct);
                        break;
                    case ErrorEvent err:
                        await WriteAsync(response, "error", new { messageId = err.MessageId, code = err.Code, message = err.Message }, json, ct);
                        break;
                    case DoneEvent done:
                        await WriteAsync(response, "done", done.Message, json, ct);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the reply is finished and stored without it.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string name, object data, JsonSerializerOptions json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, json)}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
