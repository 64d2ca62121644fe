using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using MySaasChat.Contracts;
using MySaasChat.Testing;

namespace Chat.Tests;

/// <summary>The real SDKs (OpenAI, Anthropic) and the Gemini client against local servers speaking each provider's streaming wire format.</summary>
public sealed class ProviderContractTests
{
    private static readonly string[] Pieces = ["Paris ", "is the ", "capital ", "of France."];

    private static Dictionary<string, string?> Settings(params (string, string)[] pairs)
    {
        var d = new Dictionary<string, string?> { ["CHAT_PROVIDER_RETRIES"] = "0", ["CHAT_PROVIDER_TIMEOUT"] = "10s" };
        foreach (var (k, v) in pairs) d[k] = v;
        return d;
    }

    [Fact]
    public async Task OpenAI_sdk_streams_from_a_chat_completions_server_and_its_usage_is_recorded()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.OpenAi("gpt-4o-mini", Pieces, 21, 7)));
        await using var app = await ChatTestKit.StartAsync(Settings(("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", fake.Url + "/v1")));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync(new { systemPrompt = "Answer in one line." });

        var events = await client.StreamAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "Capital of France?" });

        events.Where(e => e.Event == "delta").Select(e => e.Data["text"]!.GetValue<string>()).ShouldBe(Pieces);
        var done = events[^1].Data;
        done["content"]!.GetValue<string>().ShouldBe("Paris is the capital of France.");
        done["provider"]!.GetValue<string>().ShouldBe("openai");
        done["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        done["promptTokens"]!.GetValue<int>().ShouldBe(21);
        done["completionTokens"]!.GetValue<int>().ShouldBe(7);

        var request = fake.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/chat/completions");
        request.Headers.Authorization.ToString().ShouldBe("Bearer sk-test");
        request.Body!["stream"]!.GetValue<bool>().ShouldBeTrue();
        request.Body["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        var messages = request.Body["messages"]!.AsArray();
        messages[0]!["role"]!.GetValue<string>().ShouldBe("system");
        messages[^1]!["role"]!.GetValue<string>().ShouldBe("user");

        var usage = await client.GetFromJsonAsync<UsageBody>("/api/chat/usage", ChatTestKit.Json);
        usage!.Used.ShouldBe(28);
        usage.Cost.ShouldBe(Math.Round(21 * 0.15m / 1_000_000m + 7 * 0.60m / 1_000_000m, 8));
    }

    [Fact]
    public async Task Anthropic_sdk_streams_message_events()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.Anthropic("claude-sonnet-4-5", Pieces, 30, 9)));
        await using var app = await ChatTestKit.StartAsync(Settings(("ANTHROPIC_API_KEY", "sk-ant-test"), ("ANTHROPIC_BASE_URL", fake.Url)));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync(new { systemPrompt = "Be terse." });

        var events = await client.StreamAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "Capital of France?" });

        events.Where(e => e.Event == "delta").Select(e => e.Data["text"]!.GetValue<string>()).ShouldBe(Pieces);
        var done = events[^1].Data;
        done["state"]!.GetValue<string>().ShouldBe("complete");
        done["provider"]!.GetValue<string>().ShouldBe("anthropic");
        done["promptTokens"]!.GetValue<int>().ShouldBe(30);
        done["completionTokens"]!.GetValue<int>().ShouldBe(9);

        var request = fake.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1/messages");
        request.Headers.Authorization.ToString().ShouldBe("Bearer sk-ant-test"); // Anthropic SDK 13.x sends the API key as a bearer token
        request.Headers.ContainsKey("anthropic-version").ShouldBeTrue();
        request.Body!["stream"]!.GetValue<bool>().ShouldBeTrue();
        request.Body["model"]!.GetValue<string>().ShouldBe("claude-sonnet-4-5");
        request.Body["max_tokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
        request.Body["system"]!.ToJsonString().ShouldContain("Be terse.");
    }

    [Fact]
    public async Task Gemini_streams_generate_content_over_sse()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.Gemini("gemini-2.0-flash", Pieces, 11, 6)));
        await using var app = await ChatTestKit.StartAsync(Settings(("GOOGLE_API_KEY", "g-key"), ("GOOGLE_BASE_URL", fake.Url + "/v1beta")));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync(new { systemPrompt = "Be terse." });

        var result = await client.SendAsync(conversation.Id, new { content = "Capital of France?" });

        result.AssistantMessage.Content.ShouldBe("Paris is the capital of France.");
        result.AssistantMessage.Provider.ShouldBe("google");
        result.AssistantMessage.PromptTokens.ShouldBe(11);
        result.AssistantMessage.CompletionTokens.ShouldBe(6);
        var request = fake.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
        request.Headers["x-goog-api-key"].ToString().ShouldBe("g-key");
        request.Body!["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>().ShouldBe("Be terse.");
        request.Body["contents"]![0]!["role"]!.GetValue<string>().ShouldBe("user");
    }

    [Theory]
    [InlineData(401, "chat.provider_auth")]
    [InlineData(429, "chat.provider_rate_limited")]
    [InlineData(500, "chat.provider_unavailable")]
    [InlineData(400, "chat.provider_error")]
    public async Task Provider_errors_map_to_stable_codes_and_the_failed_reply_is_stored(int status, string code)
    {
        await using var fake = await FakeProvider.StartAsync((http, _) =>
            FakeProvider.ErrorAsync(http, status, "{\"error\":{\"message\":\"nope\",\"type\":\"invalid_request_error\",\"code\":null}}"));
        await using var app = await ChatTestKit.StartAsync(Settings(("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", fake.Url + "/v1")));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();

        var response = await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "hello" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await response.ProblemAsync()).Code.ShouldBe(code);
        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Messages.Select(m => (m.Role, m.State)).ShouldBe([("user", "complete"), ("assistant", "failed")]);
    }

    [Fact]
    public async Task Streaming_client_gets_an_error_event_then_done_when_the_provider_fails()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.ErrorAsync(http, 401, "{\"error\":{\"message\":\"bad key\"}}"));
        await using var app = await ChatTestKit.StartAsync(Settings(("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", fake.Url + "/v1")));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();

        var events = await client.StreamAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "hello" });

        events.Select(e => e.Event).ShouldBe(["message.created", "usage", "error", "done"]);
        events[2].Data["code"]!.GetValue<string>().ShouldBe("chat.provider_auth");
        events[3].Data["state"]!.GetValue<string>().ShouldBe("failed");
    }

    [Fact]
    public async Task A_429_then_success_is_retried_by_the_sdk()
    {
        await using var fake = await FakeProvider.StartAsync((http, call) => call == 1
            ? FakeProvider.ErrorAsync(http, 429, "{\"error\":{\"message\":\"slow down\"}}")
            : FakeProvider.WriteSseAsync(http, Wire.OpenAi("gpt-4o-mini", Pieces, 5, 4)));
        var settings = Settings(("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", fake.Url + "/v1"));
        settings["CHAT_PROVIDER_RETRIES"] = "2";
        await using var app = await ChatTestKit.StartAsync(settings);
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();

        var result = await client.SendAsync(conversation.Id, new { content = "hello" });

        result.AssistantMessage.State.ShouldBe("complete");
        fake.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task When_the_chosen_provider_fails_before_the_first_token_the_fallback_answers_and_says_which_model()
    {
        await using var openai = await FakeProvider.StartAsync((http, _) => FakeProvider.ErrorAsync(http, 503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var anthropic = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.Anthropic("claude-sonnet-4-5", Pieces, 8, 4)));
        await using var app = await ChatTestKit.StartAsync(Settings(
            ("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", openai.Url + "/v1"),
            ("ANTHROPIC_API_KEY", "sk-ant"), ("ANTHROPIC_BASE_URL", anthropic.Url),
            ("CHAT_FALLBACK_ORDER", "openai,anthropic")));
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();

        var result = await client.SendAsync(conversation.Id, new { content = "hello", model = "gpt-4o-mini" });

        result.AssistantMessage.State.ShouldBe("complete");
        result.AssistantMessage.Provider.ShouldBe("anthropic");
        result.AssistantMessage.Model.ShouldBe("claude-sonnet-4-5");
        result.AssistantMessage.Content.ShouldBe("Paris is the capital of France.");
        openai.Requests.Count.ShouldBe(1);
        var models = await client.GetFromJsonAsync<List<ModelBody>>("/api/chat/models", ChatTestKit.Json);
        models!.Select(m => m.Provider).ShouldBe(["openai", "anthropic", "offline"], ignoreOrder: true);
        models!.Single(m => m.Provider == "openai").IsDefault.ShouldBeTrue();
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_the_provider_is_not_called()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.ErrorAsync(http, 500, "{\"error\":{\"message\":\"down\"}}"));
        var settings = Settings(("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", fake.Url + "/v1"), ("CHAT_FALLBACK_ORDER", "openai,offline"));
        settings["CHAT_CIRCUIT_FAILURES"] = "2";
        settings["CHAT_CIRCUIT_BREAK"] = "10m";
        await using var app = await ChatTestKit.StartAsync(settings);
        var client = app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();

        for (var i = 0; i < 3; i++)
        {
            var r = await client.SendAsync(conversation.Id, new { content = $"try {i}" });
            r.AssistantMessage.Provider.ShouldBe("offline"); // the fallback answered each time
        }
        fake.Requests.Count.ShouldBe(2);
        var models = await client.GetFromJsonAsync<List<ModelBody>>("/api/chat/models", ChatTestKit.Json);
        models!.Single(m => m.Provider == "openai").Available.ShouldBeFalse();
        var health = await app.Client.GetStringAsync("/health/detailed");
        health.ShouldContain("chat:providers");
        health.ShouldContain("circuit open: openai");
    }

    [Fact]
    public async Task Several_models_of_one_provider_are_listed_and_the_chosen_one_is_asked_for()
    {
        await using var fake = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.OpenAi("gpt-4o", Pieces, 3, 4)));
        await using var app = await ChatTestKit.StartAsync(Settings(("OPENAI_BASE_URL", fake.Url + "/v1"), ("OPENAI_MODEL", "gpt-4o-mini,gpt-4o")));
        var client = app.UserClient(Guid.NewGuid());
        var models = await client.GetFromJsonAsync<List<ModelBody>>("/api/chat/models", ChatTestKit.Json);
        models!.Select(m => m.Id).ShouldBe(["gpt-4o-mini", "gpt-4o", "offline"]);
        models!.Single(m => m.IsDefault).Id.ShouldBe("gpt-4o-mini");
        models!.Single(m => m.Id == "gpt-4o").InputPricePerMillion.ShouldBe(2.50m);

        var conversation = await client.CreateConversationAsync(new { model = "gpt-4o" });
        var result = await client.SendAsync(conversation.Id, new { content = "hi" });

        result.AssistantMessage.Model.ShouldBe("gpt-4o");
        fake.Requests.ShouldHaveSingleItem().Body!["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        // an OpenAI-compatible server without a key (Ollama): no Authorization worth the name is required
        fake.Requests[0].Path.ShouldBe("/v1/chat/completions");
    }

    [Fact]
    public async Task A_second_openai_compatible_server_runs_beside_openai_and_is_a_fallback()
    {
        await using var openai = await FakeProvider.StartAsync((http, _) => FakeProvider.ErrorAsync(http, 500, "{\"error\":{\"message\":\"down\"}}"));
        await using var groq = await FakeProvider.StartAsync((http, _) => FakeProvider.WriteSseAsync(http, Wire.OpenAi("llama-3.1-8b-instant", Pieces, 5, 4)));
        await using var app = await ChatTestKit.StartAsync(Settings(
            ("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", openai.Url + "/v1"),
            ("OPENAI_COMPATIBLE_BASE_URL", groq.Url + "/openai/v1"), ("OPENAI_COMPATIBLE_API_KEY", "gsk-test"),
            ("CHAT_FALLBACK_ORDER", "compatible")));
        var client = app.UserClient(Guid.NewGuid());
        var models = await client.GetFromJsonAsync<List<ModelBody>>("/api/chat/models", ChatTestKit.Json);
        models!.Select(m => (m.Provider, m.Id)).ShouldBe([("openai", "gpt-4o-mini"), ("compatible", "llama-3.1-8b-instant"), ("offline", "offline")]);
        var conversation = await client.CreateConversationAsync();

        var result = await client.SendAsync(conversation.Id, new { content = "hi" });

        result.AssistantMessage.Provider.ShouldBe("compatible");
        result.AssistantMessage.Model.ShouldBe("llama-3.1-8b-instant");
        var request = groq.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/openai/v1/chat/completions");
        request.Headers.Authorization.ToString().ShouldBe("Bearer gsk-test");
    }
}
