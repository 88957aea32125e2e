-- A provider's default price: what the names it serves that the catalog does not list (or lists without a price)
-- cost, so a model route passing names through still debits balances and group budgets. Both sides or neither.
alter table catalog.provider
    add column default_input_price_per_mtok  numeric(18, 6) check (default_input_price_per_mtok >= 0),
    add column default_output_price_per_mtok numeric(18, 6) check (default_output_price_per_mtok >= 0),
    add constraint provider_default_price_both
        check ((default_input_price_per_mtok is null) = (default_output_price_per_mtok is null));
