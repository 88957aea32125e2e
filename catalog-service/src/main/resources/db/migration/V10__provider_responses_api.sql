-- An OpenAI provider that also serves the Responses API (POST /v1/responses): the relay passes those requests
-- through to it instead of translating them to chat completions. Off by default.
alter table catalog.provider add column responses_api boolean not null default false;
